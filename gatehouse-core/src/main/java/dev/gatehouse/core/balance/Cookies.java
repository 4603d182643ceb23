package dev.gatehouse.core.balance;

/** Reads one cookie out of a {@code Cookie} request header (RFC 6265 §5.4 syntax). */
public final class Cookies {

    private Cookies() {
    }

    /**
     * Finds a cookie's value.
     *
     * @param header the {@code Cookie} header value, or {@code null}
     * @param name   the cookie name, compared case-sensitively
     * @return the value without surrounding quotes, or {@code null} when absent
     */
    public static String find(String header, String name) {
        if (header == null || name.isEmpty()) {
            return null;
        }
        int i = 0;
        int n = header.length();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
                i++;
            }
            int eq = header.indexOf('=', i);
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            if (eq > i && eq < end && header.regionMatches(i, name, 0, name.length()) && eq - i == name.length()) {
                String value = header.substring(eq + 1, end).trim();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
            i = end + 1;
        }
        return null;
    }
}
