package dev.gatehouse.core.api;

/** Small helpers for messages. */
final class Views {

    private static final int MAX_QUOTED = 100;

    private Views() {
    }

    /** Quotes a value for a message, escaping quotes and control characters, cut at 100 characters. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int end = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > MAX_QUOTED ? "...\"" : "\"").toString();
    }
}
