package dev.gatehouse.core.cache;

/**
 * ASCII-only case handling for field names and tokens. {@link String#equalsIgnoreCase} and
 * {@code toLowerCase(Locale.ROOT)} also fold non-ASCII letters (the Kelvin sign becomes {@code k}),
 * so a name such as {@code Set-Coo\u212Aie}, which no client reads as {@code Set-Cookie}, would
 * match it; field names are ASCII tokens, so only ASCII letters fold here.
 */
final class Ascii {

    private Ascii() {
    }

    /** {@code s} with ASCII upper-case letters made lower case; other characters kept. */
    static String lower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    /** Whether {@code a} and {@code b} are equal when only ASCII letters are folded. */
    static boolean equalsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y && fold(x) != fold(y)) {
                return false;
            }
        }
        return true;
    }

    private static char fold(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
