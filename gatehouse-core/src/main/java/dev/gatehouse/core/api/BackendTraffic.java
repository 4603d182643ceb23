package dev.gatehouse.core.api;

import dev.gatehouse.core.backend.Backend;

/**
 * What a backend has served, for the dashboard: counters since it joined (the dashboard turns
 * two readings into rates) and its latency quantiles over about the last minute.
 *
 * @param requests requests that ended on it, whatever their status
 * @param errors   those answered 5xx
 * @param p50Ms    the median request duration over about the last minute, in milliseconds (0 without requests)
 * @param p99Ms    the 99th percentile over the same window
 */
public record BackendTraffic(long requests, long errors, double p50Ms, double p99Ms) {

    /** A backend that served nothing. */
    public static final BackendTraffic NONE = new BackendTraffic(0, 0, 0, 0);

    /** Reads a backend's traffic; thread-safe, cheap enough for a dashboard tick. */
    @FunctionalInterface
    public interface Source {

        /** No traffic known (a node without metrics). */
        Source NONE = b -> BackendTraffic.NONE;

        /** The traffic of one backend of the snapshot in force. */
        BackendTraffic of(Backend backend);
    }
}
