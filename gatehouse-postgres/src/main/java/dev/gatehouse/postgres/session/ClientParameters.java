package dev.gatehouse.postgres.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One client's tracked settings (see {@link TrackedParameters}): those it asked for at startup,
 * then those the server reported while the client held it.
 *
 * <p>Not thread-safe: one per client connection, used on its event loop.
 */
public final class ClientParameters {

    private final Map<String, String> own = new LinkedHashMap<>();
    /** {@link #expected}'s last answer and the baseline it was for: asked once per transaction. */
    private Map<String, String> expected;
    private Map<String, String> expectedFor;

    /** From a client's startup parameters (only the tracked ones are kept). */
    public ClientParameters(Map<String, String> startup) {
        own.putAll(TrackedParameters.trackedOf(startup));
    }

    /** The server reported {@code name} = {@code value} while this client held it. */
    public void serverReported(String name, String value) {
        if (TrackedParameters.tracked(name) && !value.equals(own.put(name.toLowerCase(Locale.ROOT), value))) {
            expected = null;
        }
    }

    /**
     * What this client expects a server connection to report: {@code baseline} (lower-case
     * names, what a fresh connection of its pool reported), overridden by its own values.
     */
    public Map<String, String> expected(Map<String, String> baseline) {
        if (expected == null || expectedFor != baseline) {
            Map<String, String> out = new LinkedHashMap<>(TrackedParameters.trackedOf(baseline));
            out.putAll(own);
            expected = Collections.unmodifiableMap(out);
            expectedFor = baseline;
        }
        return expected;
    }
}
