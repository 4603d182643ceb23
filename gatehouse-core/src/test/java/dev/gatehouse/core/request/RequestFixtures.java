package dev.gatehouse.core.request;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HashConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.StickyConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.time.WallClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Pools of one pool {@code web} built through real snapshots, and a scripted random source. */
final class RequestFixtures {

    static final HostPort A = HostPort.parse("10.0.0.1:8000");
    static final HostPort B = HostPort.parse("10.0.0.2:8000");
    static final HostPort C = HostPort.parse("10.0.0.3:8000");

    /** Cookie stickiness with a fixed secret and a one-hour cookie. */
    static final StickyConfig STICKY = new StickyConfig(StickyConfig.Mode.COOKIE, StickyConfig.DEFAULT_COOKIE,
            Duration.ofHours(1), "a secret of sixteen or more");

    private RequestFixtures() {
    }

    /** A configuration whose only pool is {@code web}, routed at {@code /}. */
    static GatehouseConfig config(PoolConfig web) {
        return new GatehouseConfig(
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0), List.of(new RouteConfig(null, "/", "web")))),
                Map.of("web", web), TimeoutsConfig.DEFAULTS, LimitsConfig.DEFAULTS, UpstreamConfig.DEFAULTS,
                ForwardingConfig.DEFAULTS, AccessLogConfig.DEFAULTS);
    }

    /** Pool {@code web}, round robin, with these backends and policies. */
    static PoolConfig web(List<BackendConfig> backends, StickyConfig sticky, HealthConfig health, RetryConfig retry) {
        return new PoolConfig("web", Strategy.ROUND_ROBIN, backends, HashConfig.DEFAULTS, AdmissionConfig.UNLIMITED, sticky,
                health, retry);
    }

    /** The snapshot of a configuration plus runtime changes, after {@code previous}, activated. */
    static Snapshot snapshot(Snapshot previous, GatehouseConfig config, RuntimeState runtime, Clock clock, WallClock wall) {
        Snapshot s = Snapshot.next(previous, previous == null ? 1 : previous.generation() + 1, config, runtime, clock, wall,
                new SplittableRandom(7));
        s.activate();
        return s;
    }

    /** The member of pool {@code web} at this address. */
    static Member member(Snapshot s, HostPort address) {
        return s.pool("web").members().stream().filter(m -> m.backend().address().equals(address)).findFirst()
                .orElseThrow();
    }

    /**
     * Answers {@code nextInt(bound)} with the values it was given, in order; fails the test on a draw
     * it was not given, so that a test also proves when no draw is made.
     */
    static final class ScriptedRandom implements RandomGenerator {

        private final Deque<Integer> values = new ArrayDeque<>();

        ScriptedRandom(int... values) {
            for (int v : values) {
                this.values.add(v);
            }
        }

        @Override
        public int nextInt(int bound) {
            Integer v = values.poll();
            if (v == null) {
                throw new AssertionError("an unexpected draw of nextInt(" + bound + ")");
            }
            if (v < 0 || v >= bound) {
                throw new AssertionError("scripted " + v + " out of nextInt(" + bound + ")");
            }
            return v;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("an unexpected draw of nextLong()");
        }

        /** How many scripted values are left. */
        int left() {
            return values.size();
        }
    }
}
