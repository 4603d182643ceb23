package dev.gatehouse.core.content;

/**
 * The few character classes of RFC 9110's grammar that the parsers of core share (this package's and
 * the cache's). Every test is on {@code char} values and ASCII only where the grammar is ASCII, so a
 * letter or digit from another script never passes for a token character or a digit.
 */
public final class HttpSyntax {

    private HttpSyntax() {
    }

    /** {@code OWS} characters (RFC 9110 §5.6.3): space and horizontal tab. */
    public static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** {@code DIGIT}: ASCII 0-9 only. */
    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code tchar} (RFC 9110 §5.6.2), the characters of a token. */
    public static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Whether {@code s} is a non-empty token. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} without leading and trailing OWS (a field value's own whitespace, RFC 9110 §5.5). */
    public static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isOws(s.charAt(from))) {
            from++;
        }
        while (to > from && isOws(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /** The index of the first non-OWS character at or after {@code i}. */
    public static int skipOws(String s, int i) {
        while (i < s.length() && isOws(s.charAt(i))) {
            i++;
        }
        return i;
    }
}
