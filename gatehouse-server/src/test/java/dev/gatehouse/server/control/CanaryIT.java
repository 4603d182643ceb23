package dev.gatehouse.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A canary: a registered version takes its share of the new requests beside the live one, until it ends. */
final class CanaryIT {

    private static final HealthConfig NO_SLOW_START = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    @Test
    void canary_takesItsShare_untilItEnds_andACutoverEndsIt() throws Exception {
        try (StubBackend v1 = StubBackend.start("v1"); StubBackend v2 = StubBackend.start("v2");
             TestNode node = TestNode.builder().backend(v1.address()).health("web", NO_SLOW_START).accessLog(false).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            ControlPlane control = node.server().control();
            control.change("test", "register", s -> RuntimeChanges.add(s, control.config(), "web", HostPort.parse(v2.address()), 1, "v2"));

            control.canary("test", "web", "v2", 20);
            int canary = 0;
            int requests = 1000;
            for (int i = 0; i < requests; i++) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                if ("v2".equals(client.readResponse().header("X-Backend"))) {
                    canary++;
                }
            }
            // 20 % of 1000: 200, give or take about five standard deviations (sd about 13).
            assertThat(canary).isBetween(140, 260);
            assertThat(node.server().snapshots().current().pool("web").versions().canary()).isEqualTo("v2");

            control.canary("test", "web", null, 0);
            for (int i = 0; i < 20; i++) {
                client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(client.readResponse().header("X-Backend")).isEqualTo("v1");
            }

            control.canary("test", "web", "v2", 50);
            control.cutover("test", "web", "v2", false, Duration.ofSeconds(5));
            assertThat(node.server().snapshots().current().pool("web").versions().canary()).as("a cutover ends it").isNull();
            assertThatThrownBy(() -> control.canary("test", "web", "v2", 10)).isInstanceOf(ChangeRejected.class)
                    .hasMessageContaining("other than the live one");
            assertThatThrownBy(() -> control.canary("test", "web", "v9", 10)).isInstanceOf(ChangeRejected.class)
                    .hasMessageContaining("a version with a backend");
            assertThatThrownBy(() -> control.canary("test", "web", "v1", 100)).isInstanceOf(ChangeRejected.class)
                    .hasMessageContaining("1-99");
        }
    }
}
