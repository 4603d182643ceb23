package dev.gatehouse.server.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit lines for change requests refused before they reach the control plane (no or wrong token,
 * unreadable input, an unknown path, too many changes waiting), and for requests that start work
 * which makes its changes later (a deploy), in the control plane's format on the same
 * {@code gatehouse.audit} logger: {@code who="..." what="..." result="..."}.
 */
final class AdminAudit {

    private static final Logger AUDIT = LoggerFactory.getLogger("gatehouse.audit");

    private AdminAudit() {
    }

    static void refused(String who, String what, String result) {
        AUDIT.info("who=\"{}\" what=\"{}\" result=\"{}\"", clean(who), clean(what), "refused: " + clean(result));
    }

    /** A request that started work running on (a deploy); the changes it makes get their own lines. */
    static void started(String who, String what, String result) {
        AUDIT.info("who=\"{}\" what=\"{}\" result=\"{}\"", clean(who), clean(what), "started: " + clean(result));
    }

    /** Keeps a line one line, whatever a client sent: quotes and control characters become '?'. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
        }
        return s.length() > 300 ? b.append("...").toString() : b.toString();
    }
}
