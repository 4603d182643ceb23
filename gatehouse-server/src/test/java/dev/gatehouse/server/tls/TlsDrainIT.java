package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.StubBackend;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connections still in their TLS handshake are part of the node's connections: a stop drains and closes them. */
final class TlsDrainIT {

    @TempDir
    Path dir;

    @Test
    void aClientThatNeverSendsItsClientHello_isCounted_andClosedByTheStop_withoutHoldingIt() throws Exception {
        TestPki pki = new TestPki(dir);
        Path[] site = pki.write(pki.leaf(90, "site.test"), "site");
        String tls = "certificates:\n  - { cert: \"" + site[0] + "\", key: \"" + site[1] + "\" }\n"
                + "handshake_timeout: 60s\n";
        try (StubBackend backend = StubBackend.start("a"); TlsNode node = TlsNode.start(dir, backend.address(), tls);
             Socket silent = new Socket("127.0.0.1", node.port())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> node.server.clientConnections() == 1);

            // A drain far longer than the test: the stop must not wait for a connection that carries nothing.
            CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> node.server.stop(Duration.ofSeconds(60)));
            silent.setSoTimeout(10_000);
            InputStream in = silent.getInputStream();
            assertThat(in.read()).as("closed by the drain").isEqualTo(-1);
            stop.get(10, TimeUnit.SECONDS);
            assertThat(node.server.clientConnections()).isZero();
        }
    }
}
