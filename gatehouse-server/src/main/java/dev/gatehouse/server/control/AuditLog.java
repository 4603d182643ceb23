package dev.gatehouse.server.control;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log ({@code gatehouse.audit}): one line per runtime change, reload or adopted state,
 * with who asked, what, and the result, each quoted so that one line can never pass for another.
 */
final class AuditLog {

    private static final Logger AUDIT = LoggerFactory.getLogger("gatehouse.audit");

    private AuditLog() {
    }

    /** Writes one line: who asked for what, and what came of it. */
    static void write(String who, String what, String result) {
        AUDIT.info("who=\"{}\" what=\"{}\" result=\"{}\"", quoted(who), quoted(what), quoted(result));
    }

    /**
     * A value as it goes between the audit line's quotes: who and what come from requests and
     * results quote input, so quotes, backslashes and control characters are escaped, and one
     * change stays one line that cannot pass for another.
     */
    private static String quoted(String value) {
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
