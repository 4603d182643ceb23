package dev.gatehouse.core.health;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test doubles and configurations for health tests. */
final class HealthFixtures {

    private HealthFixtures() {
    }

    /** A listener that counts its calls. */
    static final class CountingListener implements Runnable {
        int calls;

        @Override
        public void run() {
            calls++;
        }
    }

    /** Member 10.0.0.{@code host}:8000 of pool {@code web}, with a fresh load. */
    static Member member(int host) {
        return new Member(new Backend("web", new HostPort("10.0.0." + host, 8000), 1, "v1"), new BackendLoad());
    }

    /** {@code n} members, hosts 10.0.0.1, 10.0.0.2, ... */
    static List<Member> members(int n) {
        return members(1, n);
    }

    /** {@code n} members, hosts from {@code firstHost} on. */
    static List<Member> members(int firstHost, int n) {
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(member(firstHost + i));
        }
        return List.copyOf(list);
    }

    /** The same backend as {@code m}, as a new snapshot would carry it (same load, new object). */
    static Member resnapshotted(Member m) {
        return new Member(m.backend(), m.load());
    }

    /** An HTTP check with the given thresholds, otherwise the defaults. */
    static HealthCheckConfig check(int rise, int fall) {
        HealthCheckConfig d = HealthCheckConfig.DEFAULTS;
        return new HealthCheckConfig(d.type(), d.path(), d.method(), d.host(), d.expectMin(), d.expectMax(),
                d.bodyContains(), d.timeout(), d.interval(), d.jitter(), rise, fall);
    }

    /** Outlier detection: 3 of each failure kind, 10 s base, 40 s max, at most {@code percent} ejected. */
    static OutlierConfig outlier(int percent) {
        return new OutlierConfig(3, 3, 3, Duration.ofSeconds(10), Duration.ofSeconds(40), percent);
    }

    /** Outlier detection with the given thresholds, 10 s base, 40 s max, everyone ejectable. */
    static OutlierConfig outlier(int connect, int serverErrors, int timeouts) {
        return new OutlierConfig(connect, serverErrors, timeouts, Duration.ofSeconds(10), Duration.ofSeconds(40), 100);
    }

    /** A 10 s ramp from 10 %. */
    static final SlowStartConfig RAMP = new SlowStartConfig(Duration.ofSeconds(10), 10);

    /** Panic only when nothing is available; fail open. */
    static final PanicConfig NO_PANIC = PanicConfig.DEFAULTS;

    /** Active checks with the given thresholds, no outlier detection, no slow start, default panic. */
    static HealthConfig checksOnly(int rise, int fall) {
        return new HealthConfig(check(rise, fall), null, SlowStartConfig.OFF, NO_PANIC);
    }

    /** Outlier detection only (no checks, no slow start, default panic). */
    static HealthConfig outlierOnly(OutlierConfig outlier) {
        return new HealthConfig(null, outlier, SlowStartConfig.OFF, NO_PANIC);
    }

    /** A pool of the given members, created at the clock's time. */
    static PoolHealth pool(HealthConfig config, Clock clock, List<Member> members) {
        PoolHealth pool = PoolHealth.create("web", config, clock);
        pool.members(members);
        return pool;
    }

    /** Reports {@code n} connect failures of a member. */
    static void connectFailures(PoolHealth pool, Member m, int n) {
        for (int i = 0; i < n; i++) {
            pool.connectFailed(m, "connection refused");
        }
    }
}
