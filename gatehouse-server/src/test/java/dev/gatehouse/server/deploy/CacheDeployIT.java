package dev.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.CacheConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A cache in front of a versioned app through a strict deploy under load: the pages are cacheable
 * for ten minutes, so before the cutover nearly every answer is a hit of the old version's; once
 * any client read a new-version answer, no request sent after that gets an old-version one, from
 * the cache or from a backend.
 */
final class CacheDeployIT {

    private static final HealthConfig NO_SLOW_START = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    /** A page cacheable for ten minutes, naming the backend (X-Backend, which the cache keeps). */
    private static StubBehavior cacheable(String name) {
        return ex -> ex.discardBody(() -> {
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(name + " " + ex.path(), StandardCharsets.UTF_8));
            r.headers().set("Cache-Control", "max-age=600").set("Content-Length", r.content().readableBytes());
            ex.respond(r);
        });
    }

    private static String version(ContinuousLoad.Sample s) {
        return s.bodyStart().startsWith("new") ? "v2" : s.bodyStart().startsWith("old") ? "v1" : "?" + s.bodyStart();
    }

    @Test
    void strictDeployUnderLoad_theCacheServesNothingOldAfterTheFirstNewAnswer() throws Exception {
        try (StubBackend old1 = StubBackend.start("old1", cacheable("old1"));
             StubBackend old2 = StubBackend.start("old2", cacheable("old2"));
             StubBackend new1 = StubBackend.start("new1", cacheable("new1"));
             StubBackend new2 = StubBackend.start("new2", cacheable("new2"));
             TestNode node = TestNode.builder().backend(old1.address()).backend(old2.address())
                     .route(RouteConfig.cached(null, "/", "web", CacheConfig.defaults())).health("web", NO_SLOW_START)
                     .accessLog(false).start();
             ContinuousLoad load = ContinuousLoad.start(node.port(), 6, "/a", "/b", "/c")) {
            load.awaitCompleted(300, Duration.ofSeconds(20));
            int backendBefore = old1.requests().size() + old2.requests().size();
            Deployer deployer = new Deployer(node.server().control(), node.server().snapshots(), System::nanoTime);
            DeployPlan plan = new DeployPlan("web", "v1", "v2", DeployMode.STRICT, 2, 2, 0, Duration.ofSeconds(10),
                    Duration.ofSeconds(5), Duration.ofSeconds(10));

            DeployPhase end = deployer.run("test", plan,
                    List.of(HostPort.parse(new1.address()), HostPort.parse(new2.address())), p -> { });

            load.awaitCompleted(load.completed() + 300, Duration.ofSeconds(20));
            assertThat(load.stop()).isEmpty();
            assertThat(end).isInstanceOf(DeployPhase.Done.class);
            assertThat(backendBefore).as("before the deploy the cache answered nearly everything").isLessThanOrEqualTo(3 + 6);
            List<ContinuousLoad.Sample> samples = load.samples();
            assertThat(samples).extracting(CacheDeployIT::version).containsOnly("v1", "v2").contains("v1", "v2");
            long firstNew = samples.stream().filter(s -> version(s).equals("v2"))
                    .mapToLong(ContinuousLoad.Sample::answeredNanos).min().orElseThrow();
            assertThat(samples.stream().filter(s -> s.sentNanos() > firstNew))
                    .hasSizeGreaterThan(100)
                    .allSatisfy(s -> assertThat(version(s)).as(s.path() + " sent after the first new answer").isEqualTo("v2"));
            // After the cutover the new version's pages are cached too: few reach its backends.
            assertThat(new1.requests().size() + new2.requests().size()).isLessThanOrEqualTo(3 + 6);
        }
    }
}
