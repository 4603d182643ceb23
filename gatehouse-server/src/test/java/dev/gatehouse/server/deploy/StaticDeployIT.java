package dev.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.StubBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A versioned static root through a strict deploy under load: the route serves
 * {@code releases/{version}/public} of its pool's live version and sends what no file answers to
 * the pool, so an asset and a page switch together. Once any client read a new-version answer
 * (asset or page), no request sent after that gets an old-version one.
 */
final class StaticDeployIT {

    private static final HealthConfig NO_SLOW_START = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    @TempDir
    Path dir;

    /** The version an answer came from: the page's backend, or what the asset says. */
    private static String version(ContinuousLoad.Sample s) {
        if (s.path().equals("/app.js")) {
            return s.bodyStart().equals("asset of v2") ? "v2" : s.bodyStart().equals("asset of v1") ? "v1" : "?" + s.bodyStart();
        }
        return s.backend().startsWith("new") ? "v2" : "v1";
    }

    @Test
    void strictDeployUnderLoad_assetsSwitchWithTheApp_andNothingOldFollowsTheFirstNew() throws Exception {
        // TestNode's backends carry version v1.
        Files.createDirectories(dir.resolve("releases/v1/public"));
        Files.createDirectories(dir.resolve("releases/v2/public"));
        Files.writeString(dir.resolve("releases/v1/public/app.js"), "asset of v1");
        Files.writeString(dir.resolve("releases/v2/public/app.js"), "asset of v2");
        StaticConfig files = StaticConfig.of(dir.resolve("releases/{version}/public").toString());
        try (StubBackend old1 = StubBackend.start("old1");
             StubBackend old2 = StubBackend.start("old2");
             StubBackend new1 = StubBackend.start("new1");
             StubBackend new2 = StubBackend.start("new2");
             TestNode node = TestNode.builder().backend(old1.address()).backend(old2.address())
                     .route(RouteConfig.serving(null, "/", files, "web")).health("web", NO_SLOW_START).accessLog(false).start();
             ContinuousLoad load = ContinuousLoad.start(node.port(), 6, "/app.js", "/page")) {
            load.awaitCompleted(200, Duration.ofSeconds(20));
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            DeployPlan plan = new DeployPlan("web", "v1", "v2", DeployMode.STRICT, 2, 2, 0, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), Duration.ofSeconds(10));

            DeployPhase end = deployer.run("test", plan,
                    List.of(HostPort.parse(new1.address()), HostPort.parse(new2.address())), p -> { });

            load.awaitCompleted(load.completed() + 200, Duration.ofSeconds(20));
            assertThat(load.stop()).isEmpty();
            assertThat(end).isInstanceOf(DeployPhase.Done.class);
            List<ContinuousLoad.Sample> samples = load.samples();
            assertThat(samples).extracting(StaticDeployIT::version).containsOnly("v1", "v2").contains("v1", "v2");
            long firstNew = samples.stream().filter(s -> version(s).equals("v2"))
                    .mapToLong(ContinuousLoad.Sample::answeredNanos).min().orElseThrow();
            assertThat(samples.stream().filter(s -> s.sentNanos() > firstNew))
                    .isNotEmpty()
                    .allSatisfy(s -> assertThat(version(s)).as(s.path() + " sent after the first new answer").isEqualTo("v2"));
            assertThat(samples.stream().filter(s -> s.path().equals("/app.js") && s.sentNanos() > firstNew)).isNotEmpty();
        }
    }
}
