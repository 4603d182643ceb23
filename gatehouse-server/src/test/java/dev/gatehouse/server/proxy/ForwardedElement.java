package dev.gatehouse.server.proxy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one {@code Forwarded} element (RFC 7239 §4) strictly, as a backend's parser would: pairs
 * {@code name=value} joined by {@code ;}, each value a token or a quoted-string (RFC 9110 §5.6.4)
 * whose escapes are undone. Anything else is an {@link AssertionError}.
 */
final class ForwardedElement {

    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private ForwardedElement() {
    }

    /** The element's pairs, names in lower case, values unquoted. */
    static Map<String, String> parse(String element) {
        Map<String, String> pairs = new LinkedHashMap<>();
        int i = 0;
        while (true) {
            int eq = element.indexOf('=', i);
            require(eq > i, element, "a pair without a name");
            String name = element.substring(i, eq);
            require(isToken(name), element, "name is not a token");
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < element.length() && element.charAt(i) == '"') {
                i++;
                while (true) {
                    require(i < element.length(), element, "unterminated quoted-string");
                    char c = element.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(i < element.length(), element, "escape at the end");
                        c = element.charAt(i++);
                        require(c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF), element, "bad escaped byte");
                    } else {
                        require(c == '\t' || (c >= 0x20 && c != 0x7F && c <= 0xFF), element, "bad byte in quoted-string");
                    }
                    value.append(c);
                }
            } else {
                int end = element.indexOf(';', i);
                String token = element.substring(i, end < 0 ? element.length() : end);
                require(isToken(token), element, "value is neither a token nor a quoted-string");
                value.append(token);
                i += token.length();
            }
            require(pairs.put(name.toLowerCase(Locale.ROOT), value.toString()) == null, element, "a name twice");
            if (i == element.length()) {
                return pairs;
            }
            require(element.charAt(i) == ';', element, "pairs not joined by ;");
            i++;
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TCHAR_SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean rule, String element, String broken) {
        if (!rule) {
            throw new AssertionError("Forwarded element " + ForwardedHead.show(element) + ": " + broken);
        }
    }
}
