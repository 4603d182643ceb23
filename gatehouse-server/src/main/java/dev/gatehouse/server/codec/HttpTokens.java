package dev.gatehouse.server.codec;

/** The token rule of HTTP field names and methods (RFC 9110 §5.6.2), shared by the HTTP/1.1 and HTTP/2 paths. */
public final class HttpTokens {

    private HttpTokens() {
    }

    /** Whether {@code s} is a token: one or more tchar (letters, digits and {@code !#$%&'*+-.^_`|~}). */
    public static boolean isToken(CharSequence s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
