package dev.gatehouse.postgres.session;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings a client can change that the server reports back (ParameterStatus), which the
 * front door therefore follows per client and applies to each server connection it hands the
 * client, instead of pinning the client for them.
 *
 * <p>A client's expected values are its pool's baseline (what a fresh server connection reports
 * at its start), overridden by the client's startup parameters, overridden by what the server
 * reported while the client held it (its own {@code SET}s). Before a client's first message on a
 * server connection, {@link #syncSql} gives the {@code SET}s that make the connection's current
 * values what the client expects.
 */
public final class TrackedParameters {

    /**
     * Reported by PostgreSQL (GUC_REPORT) whenever they change, and settable by a client; lower
     * case. A setting the server does not report (extra_float_digits, search_path before
     * PostgreSQL 18) cannot be followed from the server's messages: a client's {@code SET} of one
     * pins it ({@link SessionState}).
     */
    private static final Set<String> TRACKED = Set.of("client_encoding", "datestyle", "intervalstyle",
            "timezone", "application_name", "standard_conforming_strings");

    private TrackedParameters() {}

    /** Whether {@code name} (any case) is followed per client rather than pinned for. */
    public static boolean tracked(String name) {
        return TRACKED.contains(name) || TRACKED.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The tracked ones of {@code parameters}, names in lower case, in their order. */
    public static Map<String, String> trackedOf(Map<String, String> parameters) {
        Map<String, String> out = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (tracked(name)) {
                out.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        return out;
    }

    /**
     * The statements that make {@code server}'s values match {@code expected}: one {@code SET}
     * per tracked name whose value differs (or that the server has not reported), or an empty
     * string when they already match. Values go in {@code E''} strings, so that neither a quote nor
     * a backslash in one can end it, whatever {@code standard_conforming_strings} says.
     *
     * @param expected what the client expects, lower-case names (see {@link ClientParameters})
     * @param server what the server connection last reported (or the front door last set on
     *     it), lower-case names
     */
    public static String syncSql(Map<String, String> expected, Map<String, String> server) {
        StringBuilder sql = null;   // once per transaction: nothing allocated when nothing differs
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String name = e.getKey();
            if (tracked(name) && !e.getValue().equals(server.get(name))) {
                sql = sql == null ? new StringBuilder() : sql.append("; ");
                sql.append("SET ").append(name).append(" TO ").append(literal(e.getValue()));
            }
        }
        return sql == null ? "" : sql.toString();
    }

    /** {@code value} as an escaped string literal. */
    static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 4).append("E'");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '\\') {
                out.append(c);
            }
            if (c != 0) {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }
}
