package dev.gatehouse.postgres.frontdoor;

import java.util.List;
import java.util.Map;

/**
 * The front door at one moment, for the admin API, {@code gatehouse db status} and the metrics.
 *
 * @param servers each server, in the config's order
 */
public record DatabasesStatus(List<Server> servers) {

    /** Copies the list. */
    public DatabasesStatus {
        servers = List.copyOf(servers);
    }

    /**
     * One server.
     *
     * @param name its name in the config
     * @param address where its connections go now
     * @param epoch the epoch new connections are opened in (moves on with each repoint and reconnect)
     * @param hold {@code running}, {@code pausing} or {@code paused}
     * @param held clients held by the pause, their first message kept
     * @param configuredCap {@code databases.servers.NAME.max_connections}
     * @param cap the budget's cap now (lower while the live check is due, or when the budget did not fit)
     * @param open its connections now
     * @param waiting clients in the budget's queue
     * @param limits what the live check read, or null before it answered
     * @param limitsProblem the ERROR when the budget does not fit, or the reason the check failed; null when fine
     * @param pools its pools
     */
    public record Server(String name, String address, long epoch, String hold, int held, int configuredCap, int cap,
            int open, int waiting, ServerLimits limits, String limitsProblem, List<Pool> pools) {

        /** Copies the list. */
        public Server {
            pools = List.copyOf(pools);
        }
    }

    /**
     * One pool: a database and a user.
     *
     * @param database the database clients ask for
     * @param user the user
     * @param mode {@code session} or {@code transaction}
     * @param min its minimum connections
     * @param max its maximum connections
     * @param open its connections (idle, in use, opening, closing)
     * @param idle its idle connections
     * @param inUse its connections held by a client, opening or being reset
     * @param waiting its clients in the budget's queue
     * @param oldestWaitMillis how long its oldest waiting client has waited
     * @param clients its logged-in clients
     * @param pins its clients pinned to their connection by session state, by reason
     */
    public record Pool(String database, String user, String mode, int min, int max, int open, int idle, int inUse,
            int waiting, long oldestWaitMillis, int clients, Map<String, Integer> pins) {

        /** Copies the map. */
        public Pool {
            pins = Map.copyOf(pins);
        }
    }
}
