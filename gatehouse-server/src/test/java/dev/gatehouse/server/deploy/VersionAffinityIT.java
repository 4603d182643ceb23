package dev.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.StickyConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Version affinity: after a fast cutover, a client whose sticky cookie names a backend of the
 * previous version stays on it until the deadline, while new sessions go to the new version; a
 * strict cutover moves everyone at once.
 */
final class VersionAffinityIT {

    private static final HealthConfig NO_SLOW_START = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    private static TestNode node(StubBackend v1, Duration affinity) throws Exception {
        StickyConfig sticky = new StickyConfig(StickyConfig.Mode.COOKIE, "gh_sticky", Duration.ofHours(1),
                "test-secret-0123456789", affinity);
        return TestNode.builder().backend(v1.address()).policy("web", Strategy.ROUND_ROBIN, null, null, sticky)
                .health("web", NO_SLOW_START).accessLog(false).start();
    }

    private static void register(TestNode node, StubBackend v2) throws Exception {
        ControlPlane control = node.server().control();
        control.change("test", "register", s -> RuntimeChanges.add(s, control.config(), "web", HostPort.parse(v2.address()), 1, "v2"));
    }

    private static RawHttpResponse get(int port, String cookie) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n" + (cookie == null ? "" : "Cookie: gh_sticky=" + cookie + "\r\n") + "\r\n");
            return client.readResponse();
        }
    }

    private static String cookie(RawHttpResponse r) {
        String header = r.header("Set-Cookie");
        return header.substring("gh_sticky=".length(), header.indexOf(';'));
    }

    @Test
    void afterAFastCutover_anOldSessionStaysOnTheOldVersionUntilTheDeadline_newOnesGoToTheNew() throws Exception {
        try (StubBackend v1 = StubBackend.start("v1"); StubBackend v2 = StubBackend.start("v2");
             TestNode node = node(v1, Duration.ofSeconds(2))) {
            register(node, v2);
            RawHttpResponse first = get(node.port(), null);
            assertThat(first.header("X-Backend")).isEqualTo("v1");
            String old = cookie(first);

            node.server().control().cutover("test", "web", "v2", false, Duration.ofSeconds(5));

            assertThat(get(node.port(), old).header("X-Backend")).as("an old session keeps v1").isEqualTo("v1");
            assertThat(get(node.port(), null).header("X-Backend")).as("a new session gets v2").isEqualTo("v2");
            // Past the deadline the old session moves to the new version (and its cookie with it).
            await().atMost(Duration.ofSeconds(6)).until(() -> "v2".equals(get(node.port(), old).header("X-Backend")));
        }
    }

    @Test
    void afterAStrictCutover_everySessionMovesAtOnce() throws Exception {
        try (StubBackend v1 = StubBackend.start("v1"); StubBackend v2 = StubBackend.start("v2");
             TestNode node = node(v1, Duration.ofSeconds(30))) {
            register(node, v2);
            String old = cookie(get(node.port(), null));

            node.server().control().cutover("test", "web", "v2", true, Duration.ofSeconds(5));

            assertThat(get(node.port(), old).header("X-Backend")).isEqualTo("v2");
            assertThat(node.server().snapshots().current().pool("web").versions().affinityUntilSeconds()).isZero();
        }
    }

    @Test
    void aFastDeploy_keepsTheOldVersionRegisteredUntilAffinityEnds_thenRetiresIt() throws Exception {
        try (StubBackend v1 = StubBackend.start("v1"); StubBackend v2 = StubBackend.start("v2");
             TestNode node = node(v1, Duration.ofSeconds(1))) {
            String old = cookie(get(node.port(), null));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            var plan = new dev.gatehouse.core.deploy.DeployPlan("web", "v1", "v2", dev.gatehouse.core.deploy.DeployMode.FAST,
                    1, 1, 0, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(10));
            var end = new java.util.concurrent.atomic.AtomicReference<dev.gatehouse.core.deploy.DeployPhase>();
            long start = System.nanoTime();
            Thread deploy = new Thread(() -> {
                try {
                    end.set(deployer.run("test", plan, java.util.List.of(HostPort.parse(v2.address())), phase -> { }));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            deploy.start();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    "v2".equals(node.server().snapshots().current().pool("web").liveVersion()));
            // Switched, not yet retired: the old session stays on v1.
            assertThat(get(node.port(), old).header("X-Backend")).isEqualTo("v1");
            deploy.join(10_000);

            assertThat(end.get()).isInstanceOf(dev.gatehouse.core.deploy.DeployPhase.Done.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("retired after the affinity").isGreaterThan(Duration.ofMillis(500));
            assertThat(node.server().snapshots().current().pool("web").members()).extracting(m -> m.backend().version())
                    .containsOnly("v2");
            assertThat(get(node.port(), old).header("X-Backend")).isEqualTo("v2");
        }
    }
}
