package dev.gatehouse.core.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

final class TunnelWatchTest {

    private static final HostPort V1 = HostPort.parse("10.0.0.1:8000");
    private static final HostPort V2 = HostPort.parse("10.0.0.2:8000");
    private static final long S = 1_000_000_000L;

    private long nanos = 1_000 * S;
    private long seconds = 1_700_000_000L;

    private GatehouseConfig config(TunnelsConfig tunnels) {
        PoolConfig web = new PoolConfig("web", Strategy.ROUND_ROBIN,
                List.of(new BackendConfig(V1, 1, "v1"), new BackendConfig(V2, 1, "v2")),
                dev.gatehouse.core.config.HashConfig.DEFAULTS, dev.gatehouse.core.config.AdmissionConfig.UNLIMITED, null,
                HealthConfig.DEFAULTS, RetryConfig.DEFAULTS, tunnels);
        return new GatehouseConfig(
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0), List.of(new RouteConfig(null, "/", "web")))),
                Map.of("web", web), TimeoutsConfig.DEFAULTS, LimitsConfig.DEFAULTS, UpstreamConfig.DEFAULTS,
                ForwardingConfig.DEFAULTS, AccessLogConfig.DEFAULTS);
    }

    private PoolSnapshot pool(GatehouseConfig config, RuntimeState state) {
        RandomGenerator random = new SplittableRandom(7);
        return Snapshot.next(null, 1, config, state, () -> nanos, () -> seconds, random).pool("web");
    }

    private static TunnelsConfig close(Duration grace) {
        return new TunnelsConfig(TunnelsConfig.OnCutover.CLOSE, grace, Duration.ofSeconds(2), Duration.ofHours(1), false);
    }

    @Test
    void liveVersion_stays() {
        GatehouseConfig config = config(close(Duration.ofSeconds(30)));
        RuntimeState live = RuntimeChanges.live(RuntimeState.EMPTY, config, "web", "v1");
        TunnelWatch watch = new TunnelWatch("web", V1, "v1");
        assertThat(watch.mustClose(pool(config, live), nanos, seconds)).isFalse();
        nanos += 3600 * S;
        assertThat(watch.mustClose(pool(config, live), nanos, seconds)).isFalse();
        assertThat(watch.leftService()).isFalse();
    }

    @Test
    void cutover_closesAfterGraceExactly() {
        GatehouseConfig config = config(close(Duration.ofSeconds(30)));
        RuntimeState v1 = RuntimeChanges.live(RuntimeState.EMPTY, config, "web", "v1");
        RuntimeState v2 = RuntimeChanges.live(v1, config, "web", "v2");
        TunnelWatch watch = new TunnelWatch("web", V1, "v1");
        assertThat(watch.mustClose(pool(config, v1), nanos, seconds)).isFalse();
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isFalse();
        assertThat(watch.leftService()).isTrue();
        nanos += 30 * S - 1;
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isFalse();
        nanos += 1;
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isTrue();
    }

    @Test
    void newVersionTunnel_staysAtCutover() {
        GatehouseConfig config = config(close(Duration.ZERO));
        RuntimeState v2 = RuntimeChanges.live(RuntimeChanges.live(RuntimeState.EMPTY, config, "web", "v1"), config, "web", "v2");
        assertThat(new TunnelWatch("web", V2, "v2").mustClose(pool(config, v2), nanos, seconds)).isFalse();
        assertThat(new TunnelWatch("web", V1, "v1").mustClose(pool(config, v2), nanos, seconds)).isTrue();
    }

    @Test
    void keep_neverCloses() {
        GatehouseConfig config = config(new TunnelsConfig(TunnelsConfig.OnCutover.KEEP, Duration.ZERO, Duration.ofSeconds(2),
                Duration.ofHours(1), false));
        RuntimeState v2 = RuntimeChanges.live(RuntimeChanges.live(RuntimeState.EMPTY, config, "web", "v1"), config, "web", "v2");
        TunnelWatch watch = new TunnelWatch("web", V1, "v1");
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isFalse();
        nanos += 86_400 * S;
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isFalse();
        assertThat(watch.leftService()).isTrue();
    }

    @Test
    void drainOrMaintenance_countAsLeavingService() {
        GatehouseConfig config = config(close(Duration.ofSeconds(5)));
        RuntimeState drained = RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", V1, AdminState.DRAIN, null);
        TunnelWatch watch = new TunnelWatch("web", V1, "v1");
        assertThat(watch.mustClose(pool(config, drained), nanos, seconds)).isFalse();
        nanos += 5 * S;
        assertThat(watch.mustClose(pool(config, drained), nanos, seconds)).isTrue();
        RuntimeState maint = RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", V2, AdminState.MAINT, null);
        TunnelWatch other = new TunnelWatch("web", V2, "v2");
        assertThat(other.mustClose(pool(config, maint), nanos, seconds)).isFalse();
        assertThat(other.leftService()).isTrue();
    }

    @Test
    void backendBackInService_resetsTheGrace() {
        GatehouseConfig config = config(close(Duration.ofSeconds(10)));
        RuntimeState drained = RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", V1, AdminState.DRAIN, null);
        TunnelWatch watch = new TunnelWatch("web", V1, "v1");
        watch.mustClose(pool(config, drained), nanos, seconds);
        nanos += 9 * S;
        assertThat(watch.mustClose(pool(config, RuntimeState.EMPTY), nanos, seconds)).isFalse();
        assertThat(watch.leftService()).isFalse();
        watch.mustClose(pool(config, drained), nanos, seconds);
        nanos += 9 * S;
        assertThat(watch.mustClose(pool(config, drained), nanos, seconds)).isFalse();
        nanos += S;
        assertThat(watch.mustClose(pool(config, drained), nanos, seconds)).isTrue();
    }

    @Test
    void removedBackendOrPool_closes() {
        GatehouseConfig config = config(close(Duration.ZERO));
        RuntimeState removed = RuntimeChanges.remove(RuntimeState.EMPTY, config, "web", V1);
        assertThat(new TunnelWatch("web", V1, "v1").mustClose(pool(config, removed), nanos, seconds)).isTrue();
        assertThat(new TunnelWatch("web", V1, "v1").mustClose(null, nanos, seconds)).isTrue();
    }

    @Test
    void previousVersion_staysWhileAffinityLasts() {
        GatehouseConfig config = config(close(Duration.ZERO));
        RuntimeState v1 = RuntimeChanges.live(RuntimeState.EMPTY, config, "web", "v1");
        RuntimeState v2 = RuntimeChanges.live(v1, config, "web", "v2", seconds + 600);
        TunnelWatch watch = new TunnelWatch("web", V1, "v1");
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isFalse();
        seconds += 599;
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isFalse();
        seconds += 1;
        assertThat(watch.mustClose(pool(config, v2), nanos, seconds)).isTrue();
    }

    @Test
    void neverCutOver_everyBackendServes() {
        GatehouseConfig config = config(close(Duration.ZERO));
        assertThat(new TunnelWatch("web", V2, "v2").mustClose(pool(config, RuntimeState.EMPTY), nanos, seconds)).isFalse();
    }
}
