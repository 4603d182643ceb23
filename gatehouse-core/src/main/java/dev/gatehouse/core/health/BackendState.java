package dev.gatehouse.core.health;

import java.util.Locale;

/** Where a backend stands, from the point of view of new requests. */
public enum BackendState {
    /** Takes its full share of new requests. */
    HEALTHY,
    /** Takes a growing share of new requests: it joined or came back recently. */
    SLOW_STARTING,
    /** Takes no new requests: its active health checks failed (or it has not passed one yet). */
    UNHEALTHY,
    /** Takes no new requests until a deadline: it failed real requests several times in a row. */
    EJECTED,
    /** Takes no new requests, by an operator's decision; its in-flight requests finish. */
    DRAINING,
    /** Takes no new requests: an operator put it in maintenance. */
    MAINTENANCE;

    /** The name shown in status output, e.g. {@code slow-starting}. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether a backend in this state takes new requests (outside panic). */
    public boolean available() {
        return this == HEALTHY || this == SLOW_STARTING;
    }
}
