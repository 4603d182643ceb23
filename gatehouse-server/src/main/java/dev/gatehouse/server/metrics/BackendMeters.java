package dev.gatehouse.server.metrics;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.BackendStatus;
import dev.gatehouse.core.health.PoolHealth;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One backend's gauges, read when Prometheus scrapes: requests in flight (from its
 * {@link dev.gatehouse.core.balance.BackendLoad}, which the data plane keeps anyway), tunnels open
 * to it, and its health state.
 *
 * <p>The health state is a state set, as kube-state-metrics shows a pod's phase: one series per
 * state, 1 for the current one and 0 for the others, so that {@code gatehouse_backend_health{state="ejected"} == 1}
 * selects the ejected backends and {@code sum by (state)} counts backends per state, which a numeric
 * encoding would not allow.
 */
final class BackendMeters {

    private volatile Member member;
    private volatile PoolHealth health;
    private final List<Meter> meters = new ArrayList<>();

    private BackendMeters(SeriesKey key, Member member, PoolHealth health, MeterRegistry registry, LongSupplier tunnels) {
        this.member = member;
        this.health = health;
        Tags tags = key.tags();
        meters.add(Gauge.builder(Names.BACKEND_IN_FLIGHT, this, m -> m.member.load().inFlight())
                .description("Requests sent to the backend and not finished")
                .tags(tags).strongReference(true).register(registry));
        meters.add(Gauge.builder(Names.BACKEND_TUNNELS, tunnels, LongSupplier::getAsLong)
                .description("Tunnels (WebSockets and other upgrades) open to the backend")
                .tags(tags).strongReference(true).register(registry));
        for (BackendState state : BackendState.values()) {
            meters.add(Gauge.builder(Names.BACKEND_HEALTH, this, m -> m.is(state))
                    .description("1 for the backend's current health state, 0 for the other states")
                    .tags(tags).tag(Names.STATE, state.displayName()).strongReference(true).register(registry));
        }
    }

    /** Registers a backend's gauges. */
    static BackendMeters register(MeterRegistry registry, SeriesKey key, Member member, PoolHealth health,
                                  LongSupplier tunnels) {
        return new BackendMeters(key, member, health, registry, tunnels);
    }

    /** Reads this snapshot's member and pool health from now on. */
    void update(Member next, PoolHealth nextHealth) {
        member = next;
        health = nextHealth;
    }

    /** Takes the gauges out of the registry (the backend left). */
    void remove(MeterRegistry registry) {
        meters.forEach(registry::remove);
    }

    private double is(BackendState state) {
        BackendStatus status = health.status(member);
        return status != null && status.state() == state ? 1 : 0;
    }
}
