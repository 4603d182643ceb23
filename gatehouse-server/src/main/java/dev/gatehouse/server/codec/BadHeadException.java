package dev.gatehouse.server.codec;

import io.netty.handler.codec.DecoderException;

/**
 * A request head that breaks a rule of {@link HeadScanner}: the request gets 400 and the
 * connection closes. Carries no stack trace: it describes the peer's bytes, not our code.
 */
public final class BadHeadException extends DecoderException {

    private static final long serialVersionUID = 1L;

    /** Describes what is wrong, in words a client's developer can act on. */
    public BadHeadException(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
