package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabaseAuthQueryConfig;
import dev.gatehouse.core.config.DatabasePoolConfig;
import dev.gatehouse.core.config.DatabaseUserConfig;
import dev.gatehouse.postgres.budget.PoolKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The front door's {@code databases.auth_query}: users not listed in the config are looked up on
 * the server of the database the client asks for ({@link AuthLookup}), as the auth_query user.
 * Logins that ask for the same user on the same database while a lookup runs share it; once it
 * ends nothing is kept, so a password changed or a role dropped on the server counts at the next
 * login. Used on the front door's event loop.
 */
final class AuthQuery {

    private static final int MAX_NAME_BYTES = 63;

    private final DatabaseAuthQueryConfig config;
    private final DatabaseUserConfig authUser;
    private final PostgresFrontDoor door;
    private final Duration limit;
    /** The lookups running, by the client's database and the user looked up. */
    private final Map<PoolKey, AuthLookup> running = new HashMap<>();

    /**
     * @param authUser the listed user the query runs as (the config checked it has a server password)
     * @param limit how long a lookup may take: the login's own bound ({@code limits.startup_timeout}),
     *     since no login waits longer for its answer
     */
    AuthQuery(DatabaseAuthQueryConfig config, DatabaseUserConfig authUser, PostgresFrontDoor door, Duration limit) {
        this.config = config;
        this.authUser = authUser;
        this.door = door;
        this.limit = limit;
    }

    /**
     * Looks {@code user} up for a client of {@code database}; {@code answer} is called once, on
     * the loop (at once when the lookup cannot start).
     */
    void lookup(String database, DatabasePoolConfig poolConfig, String user, Consumer<AuthLookup.Result> answer) {
        PoolKey key = new PoolKey(database, user);
        AuthLookup lookup = running.get(key);
        if (lookup != null) {
            lookup.join(answer);
            return;
        }
        PoolRuntime pool = door.pool(new PoolKey(database, authUser.name()), poolConfig,
                ServerCredentials.configured(authUser.name(), authUser.serverPassword()));
        AuthLookup started = new AuthLookup(pool, user, config.query(), () -> running.remove(key));
        running.put(key, started);
        started.join(answer);
        started.start(door.context().loop(), limit);
    }

    /**
     * Whether {@code user} can be a role's name worth a lookup: at most 63 bytes (PostgreSQL's
     * limit, NAMEDATALEN - 1) and no control character (it reaches a log line). Any other name
     * cannot exist on the server; the login treats it as unknown without asking.
     */
    static boolean mayLookUp(String user) {
        if (user.isEmpty() || user.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return false;
        }
        return user.chars().noneMatch(Character::isISOControl);
    }

    /** How many logins wait for the lookup of {@code user} for {@code database} now (0: none runs). */
    int waiting(String database, String user) {
        AuthLookup lookup = running.get(new PoolKey(database, user));
        return lookup == null ? 0 : lookup.joined();
    }
}
