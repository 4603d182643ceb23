package dev.gatehouse.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.BackendStatus;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehaviors;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A backend that comes back from an ejection takes a small, growing share, not a full one at once. */
final class SlowStartIT {

    @Test
    void recoveredBackend_rampsUpInsteadOfTakingAFullShareAtOnce() throws Exception {
        // Two server errors in a row eject for 300 ms; the way back is a 2 s ramp from 10 %.
        HealthConfig health = new HealthConfig(null,
                new OutlierConfig(0, 2, 0, Duration.ofMillis(300), Duration.ofMillis(300), 50),
                new SlowStartConfig(Duration.ofSeconds(2), 10), PanicConfig.DEFAULTS);
        try (StubBackend flaky = StubBackend.start("flaky", StubBehaviors.text(500, "broken"));
             StubBackend steady = StubBackend.start("steady");
             TestNode node = TestNode.builder().backend(flaky.address()).backend(steady.address())
                     .health("web", health).retry("web", RetryConfig.OFF).accessLog(false).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            Member member = web.members().get(0);
            while (web.health().status(member).state() != BackendState.EJECTED) {
                get(client);
            }
            flaky.behavior(StubBehaviors.standard("flaky"));
            await().atMost(Duration.ofSeconds(5)).until(() -> web.health().status(member).state() == BackendState.SLOW_STARTING);
            BackendStatus ramping = web.health().status(member);
            assertThat(ramping.share()).isLessThan(0.5);
            assertThat(ramping.reason()).startsWith("ramping up");

            // Early in the ramp: round robin would give it half of the requests; it gets a few.
            flaky.clearRequests();
            // Early in the ramp it is offered for 10-20 % of the requests, and takes half of those: about
            // 15 of 200 (zero would be a 1-in-a-million draw), where a full share would be 100.
            int early = 200;
            for (int i = 0; i < early; i++) {
                get(client);
            }
            int earlyShare = flaky.requests().size();
            assertThat(earlyShare).isGreaterThan(0).isLessThan(early / 4);

            // After the ramp: its full share again.
            await().atMost(Duration.ofSeconds(5)).until(() -> web.health().status(member).state() == BackendState.HEALTHY);
            flaky.clearRequests();
            for (int i = 0; i < 100; i++) {
                get(client);
            }
            assertThat(flaky.requests().size()).isBetween(48, 52);
        }
    }

    private static void get(RawHttpClient client) {
        client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        client.readResponse();
    }
}
