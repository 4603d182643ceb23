package dev.gatehouse.server.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backends that crash (SIGKILL of a real process) under load: idempotent requests never fail, a
 * POST that was in flight on the dead backend fails cleanly and is not sent elsewhere.
 */
final class BackendKillIT {

    @Test
    void killNineUnderConcurrentLoad_noGetFails() throws Exception {
        List<BackendProcess> backends = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                backends.add(BackendProcess.start("b" + i));
            }
            TestNode.Builder b = TestNode.builder().accessLog(false);
            backends.forEach(p -> b.backend(p.address()));
            try (TestNode node = b.policy("web", Strategy.DEFAULT, null, null, null).start();
                 ContinuousLoad load = ContinuousLoad.start(node.port(), 6, "/delay/2")) {
                load.awaitCompleted(300, Duration.ofSeconds(30));
                BackendProcess victim = backends.get(0);
                victim.kill();
                load.awaitCompleted(load.completed() + 600, Duration.ofSeconds(60));
                assertThat(load.stop()).isEmpty();
                PoolSnapshot web = node.server().snapshots().current().pool("web");
                Member dead = web.members().stream()
                        .filter(m -> m.backend().address().toString().equals(victim.address())).findFirst().orElseThrow();
                // Connects to the dead backend were refused: passive detection ejected it.
                assertThat(web.health().status(dead).state()).isEqualTo(BackendState.EJECTED);
                assertThat(web.health().status(dead).reason()).contains("connect failures in a row");
            }
        } finally {
            for (BackendProcess p : backends) {
                p.close();
            }
        }
    }

    @Test
    void postInFlightOnABackendThatDies_gets502_isNotRetried_andTheNodeCarriesOn() throws Exception {
        try (BackendProcess a = BackendProcess.start("a"); BackendProcess b = BackendProcess.start("b");
             TestNode node = TestNode.builder().backend(a.address()).backend(b.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            Member memberB = web.members().get(1);
            // Only a may take the POST; b comes back once the POST is in flight, so a retry would
            // have somewhere to go.
            web.health().drain(memberB, true);
            client.send("POST /delay/20000 HTTP/1.1\r\nHost: x\r\nX-Request-Id: post-in-flight\r\nContent-Length: 4\r\n\r\ndata");
            await().atMost(Duration.ofSeconds(10)).until(() -> a.received("post-in-flight"));
            web.health().drain(memberB, false);
            a.kill();
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("X-Request-Id")).isEqualTo("post-in-flight");
            assertThat(b.received("post-in-flight")).isFalse();
            assertThat(web.retryBudget().retriedTotal()).isZero();
            // The node carries on, on the same client connection.
            client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse after = client.readResponse();
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.header("X-Backend")).isEqualTo("b");
        }
    }
}
