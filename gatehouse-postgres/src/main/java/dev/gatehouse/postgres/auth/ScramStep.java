package dev.gatehouse.postgres.auth;

import java.nio.charset.StandardCharsets;

/**
 * What one side of a SCRAM-SHA-256 exchange does after reading the other side's message. The
 * caller carries the messages in PostgreSQL's frames (AuthenticationSASLContinue and
 * AuthenticationSASLFinal from the server, SASLInitialResponse and SASLResponse from the client).
 */
public sealed interface ScramStep {

    /** Send {@code message} to the peer and expect another message from it. */
    record Continue(String message) implements ScramStep {
        /** The message's bytes on the wire (UTF-8; every message we write is ASCII). */
        public byte[] bytes() {
            return message.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * The exchange succeeded. On the server side, {@code message} is the server-final message to
     * send (AuthenticationSASLFinal) before AuthenticationOk; on the client side it is empty and
     * the client waits for the server's AuthenticationOk.
     */
    record Complete(String message) implements ScramStep {
        /** The message's bytes on the wire (UTF-8; every message we write is ASCII). */
        public byte[] bytes() {
            return message.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * The exchange failed and is over. {@code reason} is for the log, not for the peer: a server
     * answers every failure with PostgreSQL's {@code password authentication failed for user "X"}
     * (SQLSTATE 28P01), so a client learns nothing about which check it failed.
     */
    record Failure(String reason) implements ScramStep {
    }
}
