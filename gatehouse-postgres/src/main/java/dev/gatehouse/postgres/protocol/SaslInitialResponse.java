package dev.gatehouse.postgres.protocol;

import java.util.Arrays;

/**
 * A client's first SASL message: the mechanism it chose and its initial response.
 *
 * @param mechanism the mechanism, e.g. {@code SCRAM-SHA-256}
 * @param data the initial response (a copy), or null when the client sent none (length -1)
 */
public record SaslInitialResponse(String mechanism, byte[] data) {

    /** Copies the data. */
    public SaslInitialResponse {
        if (mechanism == null || mechanism.isEmpty() || mechanism.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("mechanism: " + mechanism + " (expected: a name without NUL)");
        }
        data = data == null ? null : data.clone();
    }

    /** A copy of the initial response, or null when there was none. */
    @Override
    public byte[] data() {
        return data == null ? null : data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SaslInitialResponse s && s.mechanism.equals(mechanism) && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * mechanism.hashCode() + Arrays.hashCode(data);
    }

    /** Shows the data's length only: it is part of an authentication exchange. */
    @Override
    public String toString() {
        return "SaslInitialResponse[mechanism=" + mechanism + ", data=" + (data == null ? "none" : data.length + " bytes") + "]";
    }
}
