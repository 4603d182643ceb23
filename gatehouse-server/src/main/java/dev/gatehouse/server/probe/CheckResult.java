package dev.gatehouse.server.probe;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Objects;

/**
 * What one check found: passed or failed, and a short sentence saying what it saw
 * ({@code HTTP 200 in 3 ms}, {@code connection refused}).
 *
 * @param passed whether the backend passed
 * @param detail what was seen, for status output and logs
 */
record CheckResult(boolean passed, String detail) {

    CheckResult {
        Objects.requireNonNull(detail, "detail");
    }

    static CheckResult passed(String detail) {
        return new CheckResult(true, detail);
    }

    static CheckResult failed(String reason) {
        return new CheckResult(false, reason);
    }

    static CheckResult timedOut(long timeoutMillis) {
        return failed("timed out after " + timeoutMillis + " ms");
    }

    /**
     * A failure from an exception, in the words an operator expects rather than an exception's
     * class name; the messages of native and NIO transports differ, so they are matched loosely.
     */
    static CheckResult failed(Throwable cause, long timeoutMillis) {
        if (cause instanceof ConnectTimeoutException) {
            return timedOut(timeoutMillis);
        }
        if (cause instanceof UnresolvedAddressException) {
            return failed("cannot resolve the backend's address");
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("connection refused")) {
            return failed("connection refused");
        }
        if (lower.contains("connection reset")) {
            return failed("connection reset");
        }
        return failed((cause instanceof ConnectException ? "connect failed: " : "I/O error: ") + message);
    }
}
