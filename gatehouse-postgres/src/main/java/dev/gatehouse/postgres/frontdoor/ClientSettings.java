package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.session.ClientParameters;
import dev.gatehouse.postgres.session.TrackedParameters;
import java.util.Map;

/**
 * One client's tracked settings as its pool shares them ({@link ExpectedSettings}): what it is
 * greeted with, and what must be set on a server connection before its first message there.
 * Used on the front door's event loop only.
 */
final class ClientSettings {

    private final ClientParameters params;
    private final PoolRuntime pool;
    /** {@link #expected()}'s last answer, and the client's own settings it was looked up for. */
    private ExpectedSettings.Expected expected;
    private Map<String, String> expectedFrom;

    ClientSettings(PoolRuntime pool, Map<String, String> startup) {
        this.pool = pool;
        this.params = new ClientParameters(startup);
    }

    /** The server reported a setting while this client held it. */
    void serverReported(String name, String value) {
        params.serverReported(name, value);
    }

    /** The encoded ParameterStatus messages this client is greeted with (not to be modified). */
    byte[] greeting() {
        return expected().greeting();
    }

    /**
     * The statements that make {@code c} report what this client expects, or an empty string
     * when it does already (then {@code c} remembers it until it reports a change).
     */
    String syncSql(ServerConnection c) {
        Map<String, String> wanted = expected().values();
        if (c.settings().inSyncWith(wanted)) {
            return "";
        }
        String sql = TrackedParameters.syncSql(wanted, c.settings().byLowerName());
        if (sql.isEmpty()) {
            c.settings().markInSync(wanted);   // the next client with these settings needs no comparison
        }
        return sql;
    }

    private ExpectedSettings.Expected expected() {
        Map<String, String> values = params.expected(pool.baseline());
        if (values != expectedFrom) {   // ClientParameters answers the same instance until they change
            expected = pool.expected(values);
            expectedFrom = values;
        }
        return expected;
    }
}
