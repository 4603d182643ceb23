package dev.gatehouse.core.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The old versions' requests and tunnels, as a strict hold and a deploy's drain count them. */
final class OldVersionsTest {

    private static final HostPort A1 = HostPort.parse("10.0.0.1:8000");
    private static final HostPort A2 = HostPort.parse("10.0.0.2:8000");
    private static final HostPort B1 = HostPort.parse("10.0.0.3:8000");

    private static PoolSnapshot pool() {
        PoolConfig web = new PoolConfig("web", Strategy.ROUND_ROBIN, List.of(new BackendConfig(A1, 1, "v1"),
                new BackendConfig(A2, 1, "v1"), new BackendConfig(B1, 1, "v2")));
        GatehouseConfig config = new GatehouseConfig(
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0), List.of(new RouteConfig(null, "/", "web")))),
                Map.of("web", web), TimeoutsConfig.DEFAULTS, LimitsConfig.DEFAULTS, UpstreamConfig.DEFAULTS,
                ForwardingConfig.DEFAULTS, AccessLogConfig.DEFAULTS);
        return Snapshot.next(null, 1, config, RuntimeState.EMPTY, () -> 0L, () -> 0L, new SplittableRandom(1)).pool("web");
    }

    /** v1 has 5 tunnels open, 2 of them holding slots; v2 has 7, all holding slots. */
    private static final TunnelCounts COUNTS = new TunnelCounts() {
        @Override
        public long open(String pool, HostPort backend, String version) {
            return 0;
        }

        @Override
        public long ofVersion(String pool, String version) {
            return version.equals("v1") ? 5 : 7;
        }

        @Override
        public long holdingSlots(String pool, String version) {
            return version.equals("v1") ? 2 : 7;
        }
    };

    @Test
    void requestsInFlight_countOtherVersionsOnly_lessTheirSlotHoldingTunnels() {
        PoolSnapshot p = pool();
        p.members().get(0).load().started();
        p.members().get(1).load().started();
        p.members().get(1).load().started();
        p.members().get(1).load().started();
        p.members().get(2).load().started();
        // v1: 4 in flight, 2 of them tunnels holding slots; v2's own load is not counted.
        assertThat(OldVersions.requestsInFlight(p, "v2", COUNTS)).isEqualTo(2);
        assertThat(OldVersions.requestsInFlight(p, "v2", TunnelCounts.NONE)).isEqualTo(4);
        // v2: 1 in flight, 7 tunnels said to hold slots: never below zero.
        assertThat(OldVersions.requestsInFlight(p, "v1", COUNTS)).isZero();
    }

    @Test
    void openTunnels_countEveryOtherVersionOnce() {
        assertThat(OldVersions.openTunnels(pool(), "v2", COUNTS)).isEqualTo(5);
        assertThat(OldVersions.openTunnels(pool(), "v1", COUNTS)).isEqualTo(7);
        assertThat(OldVersions.openTunnels(pool(), "v3", COUNTS)).isEqualTo(12);
    }
}
