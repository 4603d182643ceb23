package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;

/** Request ids: kept from the client when well formed, generated otherwise. */
final class RequestIds {

    private static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    /** The request's id: the client's {@code X-Request-Id} when {@link #isAcceptable acceptable}, else a new one. */
    static String of(HttpHeaders h) {
        String incoming = h.get(HeaderRewriter.X_REQUEST_ID);
        return isAcceptable(incoming) ? incoming : generate();
    }

    /** A new random 64-bit id as 16 hex digits; unique enough to find one request in a day's logs. */
    static String generate() {
        long v = ThreadLocalRandom.current().nextLong();
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
        return new String(out);
    }

    /**
     * Whether a client-supplied id may be passed on: 1 to 128 characters of letters, digits and
     * {@code - _ . : / + =}, so that it cannot break a log line or a header.
     */
    static boolean isAcceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
