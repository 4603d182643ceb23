package dev.gatehouse.core.api;

/**
 * One backend of a pool as the admin API shows it.
 *
 * @param address       {@code host:port}
 * @param version       its version label
 * @param weight        its weight in force
 * @param declared      whether the config file declares it (false: added at runtime)
 * @param admin         what an operator decided: {@code ready}, {@code drain} or {@code maint}
 * @param state         where it stands: {@code healthy}, {@code slow-starting}, {@code unhealthy},
 *                      {@code ejected}, {@code draining}, {@code drained} or {@code maintenance}
 * @param reason        why, in a sentence, or null
 * @param inFlight      requests sent to it and not finished
 * @param limit         its concurrency limit, 0 when unlimited
 * @param latencyMs     its latency average in milliseconds
 * @param lastCheck     the last active health check's result, or null when none ran
 * @param tunnels       tunnels (WebSockets, other upgrades) open through the pool to it now
 * @param drainDeadline when a drain counts as done whatever is in flight (ISO-8601 UTC), or null
 * @param until         when an ejection ends (the backend is tried again) or a slow start reaches
 *                      its full share (ISO-8601 UTC), or null in any other state
 */
public record BackendView(String address, String version, int weight, boolean declared, String admin, String state,
                          String reason, int inFlight, int limit, double latencyMs, String lastCheck,
                          String drainDeadline, long tunnels, String until) {

    /** A backend without open tunnels, neither ejected nor slow-starting. */
    public BackendView(String address, String version, int weight, boolean declared, String admin, String state,
                       String reason, int inFlight, int limit, double latencyMs, String lastCheck, String drainDeadline) {
        this(address, version, weight, declared, admin, state, reason, inFlight, limit, latencyMs, lastCheck,
                drainDeadline, 0, null);
    }

    /** The state of a backend whose drain is over: nothing in flight, or its deadline passed. */
    public static final String DRAINED = "drained";
}
