package dev.gatehouse.core.admission;

/**
 * The route key of a request for the slow lane: its method and its path with identifiers
 * collapsed, so {@code GET /users/123/orders/9f1c2b3a4d5e6f70} and {@code GET /users/7/orders/aa01bb02cc03dd04}
 * are one route, {@code GET /users/:id/orders/:id}.
 *
 * <p>A path segment is an identifier when it is all digits, a UUID, or a token of at least
 * {@link #MIN_TOKEN} characters that is all hex, or base64-ish (letters, digits, {@code - _ =})
 * with at least one digit (so long words and slugs without digits stay). Keys are cut at
 * {@link #MAX_LENGTH} characters, which bounds the memory of a learner fed hostile paths.
 */
final class RouteKeys {

    /** Longest key. */
    static final int MAX_LENGTH = 200;
    /** Shortest hex or base64-ish token taken for an identifier. */
    static final int MIN_TOKEN = 16;
    /** What an identifier segment becomes. */
    static final String ID = ":id";

    private RouteKeys() {
    }

    /** The key of a request, e.g. {@code GET /users/:id}. */
    static String of(String method, String path) {
        if (path == null || path.isEmpty()) {
            path = "/";
        }
        StringBuilder key = new StringBuilder(Math.min(MAX_LENGTH + 8, path.length() + 8));
        key.append(method == null ? "-" : method).append(' ');
        int n = path.length();
        int i = 0;
        while (i < n && key.length() < MAX_LENGTH) {
            if (path.charAt(i) == '/') {
                key.append('/');
                i++;
                continue;
            }
            int end = path.indexOf('/', i);
            if (end < 0) {
                end = n;
            }
            if (isId(path, i, end)) {
                key.append(ID);
            } else {
                key.append(path, i, Math.min(end, i + MAX_LENGTH));
            }
            i = end;
        }
        if (key.length() > MAX_LENGTH) {
            key.setLength(MAX_LENGTH);
        }
        return key.toString();
    }

    /** Whether {@code s[from, to)} is an identifier. */
    static boolean isId(CharSequence s, int from, int to) {
        int len = to - from;
        if (len == 0) {
            return false;
        }
        boolean digits = true;
        boolean hex = true;
        boolean token = true;
        boolean hasDigit = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            hasDigit |= digit;
            digits &= digit;
            hex &= digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            token &= digit || letter || c == '-' || c == '_' || c == '=';
        }
        if (digits || isUuid(s, from, to)) {
            return true;
        }
        return len >= MIN_TOKEN && (hex || (token && hasDigit));
    }

    private static boolean isUuid(CharSequence s, int from, int to) {
        if (to - from != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(from + i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
