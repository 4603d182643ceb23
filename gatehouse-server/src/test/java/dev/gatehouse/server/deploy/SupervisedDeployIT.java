package dev.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.AppConfig;
import dev.gatehouse.core.config.CommandTemplate;
import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.PortRange;
import dev.gatehouse.core.config.RestartConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.supervisor.AppInstance;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.StubBackendMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One command deploys a supervised app: the new version's instances start, pass the gate, take
 * over, and the old version's instances stop; under load, nothing fails.
 */
final class SupervisedDeployIT {

    @TempDir
    Path dir;

    private static String quote(String word) {
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A stub backend JVM answering with {@code X-Backend: <version>-<instance>}. */
    private static String stubCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return quote(java) + " -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + quote(System.getProperty("java.class.path"))
                + " " + StubBackendMain.class.getName() + " --port {port} --name {version}-{instance}";
    }

    private static PortRange freeRange(int size) {
        int first = dev.gatehouse.testing.FreePorts.range(size);
        return new PortRange(first, first + size - 1);
    }


    private static DeployPlan plan(String from, String to, DeployMode mode) {
        return new DeployPlan("web", from, to, mode, 2, 2, 0, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    @Test
    void deployOfASupervisedApp_startsTheNewInstances_cutsOver_andStopsTheOld() throws Exception {
        AppConfig web = new AppConfig("web", CommandTemplate.parse(stubCommand()), 2, freeRange(8), null, Map.of(),
                Duration.ofSeconds(5), new RestartConfig(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                dir.resolve("logs").toString());
        HealthCheckConfig d = HealthCheckConfig.DEFAULTS;
        HealthConfig checked = new HealthConfig(new HealthCheckConfig(d.type(), "/status/200", d.method(), null, 200, 399, null,
                Duration.ofMillis(200), Duration.ofMillis(200), Duration.ZERO, 1, 2), null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);
        try (TestNode node = TestNode.builder().apps(Map.of("web", web)).health("web", checked).accessLog(false).start()) {
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime,
                    node.server().supervisor());
            // The first deploy starts the app from nothing.
            assertThat(deployer.runSupervised("test", plan("", "v1", DeployMode.FAST), p -> { }))
                    .isInstanceOf(DeployPhase.Done.class);
            try (ContinuousLoad load = ContinuousLoad.start(node.port(), 4, "/delay/5")) {
                load.awaitCompleted(100, Duration.ofSeconds(30));

                long start = System.nanoTime();
                DeployPhase end = deployer.runSupervised("test", plan("v1", "v2", DeployMode.STRICT), p -> { });
                long ended = System.nanoTime();
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                long after = load.completed();
                load.awaitCompleted(after + 100, Duration.ofSeconds(30));
                assertThat(load.stop()).isEmpty();
                assertThat(end).isEqualTo(new DeployPhase.Done(2, false));
                assertThat(took).isLessThan(Duration.ofSeconds(10));
                assertThat(load.sentAfter(ended))
                        .extracting(ContinuousLoad.Sample::backend).allMatch(b -> b.startsWith("v2-"));
            }
            PoolSnapshot pool = node.server().snapshots().current().pool("web");
            assertThat(pool.liveVersion()).isEqualTo("v2");
            assertThat(pool.members()).extracting(m -> m.backend().version()).containsOnly("v2");
            await().atMost(Duration.ofSeconds(20)).until(() -> node.server().supervisor().instances("web").stream()
                    .filter(i -> i.version().equals("v1")).allMatch(i -> !ProcessHandle.of(i.pid()).map(ProcessHandle::isAlive).orElse(false)));
            assertThat(node.server().supervisor().instances("web")).filteredOn(i -> i.version().equals("v2"))
                    .extracting(AppInstance::version).hasSize(2);
        }
    }

    @Test
    void aRestartedNode_startsTheLiveVersionOfItsAppsAgain_andServes() throws Exception {
        AppConfig web = new AppConfig("web", CommandTemplate.parse(stubCommand()), 2, freeRange(8), null, Map.of(),
                Duration.ofSeconds(5), new RestartConfig(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                dir.resolve("logs").toString());
        HealthCheckConfig d = HealthCheckConfig.DEFAULTS;
        HealthConfig checked = new HealthConfig(new HealthCheckConfig(d.type(), "/status/200", d.method(), null, 200, 399, null,
                Duration.ofMillis(200), Duration.ofMillis(200), Duration.ZERO, 1, 2), null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);
        var store = new dev.gatehouse.server.control.FileStateStore(dir.resolve("state.json"));
        TestNode.Builder builder = TestNode.builder().apps(Map.of("web", web)).health("web", checked).accessLog(false);
        try (TestNode node = builder.start(store)) {
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime,
                    node.server().supervisor());
            assertThat(deployer.runSupervised("test", plan("", "v1", DeployMode.FAST), p -> { }))
                    .isInstanceOf(DeployPhase.Done.class);
        }
        // The node stopped, and its app processes with it.
        try (TestNode restarted = builder.start(store); ContinuousLoad load = ContinuousLoad.start(restarted.port(), 2, "/")) {
            load.awaitCompleted(50, Duration.ofSeconds(30));
            assertThat(load.stop()).isEmpty();
            PoolSnapshot pool = restarted.server().snapshots().current().pool("web");
            assertThat(pool.liveVersion()).isEqualTo("v1");
            assertThat(pool.members()).hasSize(2);
            assertThat(load.samples()).extracting(ContinuousLoad.Sample::backend).allMatch(b -> b.startsWith("v1-"));
        }
    }
}
