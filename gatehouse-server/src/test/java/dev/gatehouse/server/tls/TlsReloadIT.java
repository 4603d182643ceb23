package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.StubBackend;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates replaced and reloaded under load: no request fails, new handshakes get the new certificate. */
final class TlsReloadIT {

    @TempDir
    Path dir;

    @Test
    void reloadUnderLoad_failsNoRequest_andNewHandshakesSeeTheNewCertificate() throws Exception {
        TestPki pki = new TestPki(dir);
        Path[] files = pki.write(pki.leaf(90, "site.test"), "site");
        String tls = "certificates:\n  - { cert: \"" + files[0] + "\", key: \"" + files[1] + "\" }\n";
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (StubBackend backend = StubBackend.start("a"); TlsNode node = TlsNode.start(dir, backend.address(), tls)) {
            Thread keepAlive = Thread.ofPlatform().start(() -> {
                try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "site.test")) {
                    while (running.get()) {
                        check(c.get("/hello"), ok, failures);
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            Thread fresh = Thread.ofPlatform().start(() -> {
                while (running.get()) {
                    try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "site.test")) {
                        check(c.get("/hello"), ok, failures);
                    } catch (Exception e) {
                        failures.add(e);
                    }
                }
            });
            for (int round = 0; round < 3; round++) {
                int before = ok.get();
                await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= before + 20);
                X509Bundle next = pki.leaf(90 + round, "site.test");
                pki.write(next, "site");
                if (round == 2) {
                    node.server.control().reload(node.server.control().config(), "test");
                } else {
                    node.reload();
                }
                try (HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "site.test")) {
                    assertThat(c.serverCertificate().getSerialNumber()).isEqualTo(next.getCertificate().getSerialNumber());
                }
            }
            int before = ok.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.get() >= before + 20);
            running.set(false);
            keepAlive.join(10_000);
            fresh.join(10_000);
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(80);
    }

    private static void check(HttpsClient.Response r, AtomicInteger ok, ConcurrentLinkedQueue<Throwable> failures) {
        if (r.status() == 200) {
            ok.incrementAndGet();
        } else {
            failures.add(new AssertionError("status " + r.status()));
        }
    }
}
