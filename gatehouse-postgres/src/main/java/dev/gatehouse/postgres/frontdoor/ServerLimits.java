package dev.gatehouse.postgres.frontdoor;

/**
 * What a server said about its own connection limit, read on the first connection of an epoch
 * (see {@link LimitsProbe}), and what the front door made of it.
 *
 * @param maxConnections its {@code max_connections}
 * @param superuserReserved its {@code superuser_reserved_connections}
 * @param reserved its {@code reserved_connections} (PostgreSQL 16 and later; 0 before)
 * @param serverVersionNum its {@code server_version_num}
 * @param configured the budget the config gives it ({@code databases.servers.NAME.max_connections})
 */
public record ServerLimits(int maxConnections, int superuserReserved, int reserved, int serverVersionNum,
        int configured) {

    /** The connections an ordinary role may open: {@code max_connections} minus the reserved ones. */
    public int available() {
        return Math.max(0, maxConnections - superuserReserved - reserved);
    }

    /** Whether the configured budget fits in what is available. */
    public boolean fits() {
        return configured <= available();
    }

    /** The cap the budget runs with: the configured one, lowered to what fits (never below 1). */
    public int cap() {
        return Math.max(1, Math.min(configured, available()));
    }

    /** The ERROR to log (and show) when the budget does not fit, naming the numbers and the config path. */
    public String problem(String server) {
        return "databases.servers." + server + ".max_connections is " + configured + " but server " + server
                + " allows " + available() + " (max_connections " + maxConnections + " minus superuser_reserved_connections "
                + superuserReserved + " minus reserved_connections " + reserved + "): the budget's cap is lowered to "
                + cap() + " so that the server never refuses the front door";
    }
}
