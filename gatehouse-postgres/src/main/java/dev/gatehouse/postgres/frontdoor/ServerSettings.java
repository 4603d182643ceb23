package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.protocol.ParameterStatus;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings one server connection has reported (ParameterStatus), and whether they were found
 * to match a client's wanted settings, so that a client with the same settings as the last one
 * needs no comparison (see {@link ExpectedSettings}). Used on the connection's event loop only.
 */
final class ServerSettings {

    private final Map<String, String> reported = new HashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    /** Settings found to be what this connection reports, unchanged since (see {@link #inSyncWith}). */
    private Map<String, String> inSync;

    /** Records a reported setting (lower-case name); the connection is in sync with nothing until checked again. */
    void report(ParameterStatus status) {
        inSync = null;
        String lower = status.name().toLowerCase(Locale.ROOT);
        reported.put(lower, status.value());
        names.putIfAbsent(lower, status.name());
    }

    /** What the server reported, by its own names (DateStyle, not datestyle), in order. */
    Map<String, String> asNamed() {
        Map<String, String> out = new LinkedHashMap<>();
        names.forEach((lower, name) -> out.put(name, reported.get(lower)));
        return out;
    }

    /** What the server reported last, by lower-case name. */
    Map<String, String> byLowerName() {
        return reported;
    }

    /**
     * Whether this connection was found to report {@code expected} (the same instance: see
     * {@link ExpectedSettings}) and has reported nothing since.
     */
    boolean inSyncWith(Map<String, String> expected) {
        return inSync == expected;
    }

    /** It reports {@code expected} now (until its next ParameterStatus). */
    void markInSync(Map<String, String> expected) {
        inSync = expected;
    }
}
