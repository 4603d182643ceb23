package dev.gatehouse.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One whole WebSocket message as {@link WebSocketTestClient} received it (fragments joined).
 *
 * @param type text or binary
 * @param data the payload; not copied, do not change it
 */
public record WebSocketMessage(Type type, byte[] data) {

    /** The message types of RFC 6455 that carry application data. */
    public enum Type {
        /** A text message: UTF-8. */
        TEXT,
        /** A binary message. */
        BINARY
    }

    /**
     * Checks the parts.
     *
     * @param type text or binary
     * @param data the payload
     */
    public WebSocketMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    /**
     * Returns the payload decoded as UTF-8, whatever the type.
     *
     * @return the text
     */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /**
     * Returns the payload's length.
     *
     * @return bytes
     */
    public int size() {
        return data.length;
    }

    /** Compares type and payload bytes (a record would compare the array's identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketMessage m && m.type == type && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(data);
    }

    /** Type, size and the start of short text only: test failure messages stay readable at 16 MiB. */
    @Override
    public String toString() {
        String preview = type == Type.TEXT && data.length <= 80 ? " \"" + text() + "\"" : "";
        return "WebSocketMessage[" + type + ", " + data.length + " bytes" + preview + "]";
    }
}
