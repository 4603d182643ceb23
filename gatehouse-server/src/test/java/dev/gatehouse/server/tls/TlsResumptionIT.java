package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.StubBackend;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslServerContext;
import io.netty.handler.ssl.OpenSslSessionStats;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session resumption and client certificates across reloads (OpenSSL provider, whose ticket keys
 * the node manages): a reload that changes nothing a session depends on keeps resumption; one that
 * changes the client CAs or {@code client_auth} makes every earlier ticket useless, so the client
 * gets a full handshake under the new policy instead of resuming with its old peer certificate.
 */
final class TlsResumptionIT {

    @TempDir
    Path dir;

    @Test
    void resumption_survivesAnUnchangedReload_butNotAClientAuthChange() throws Exception {
        Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
        TestPki pki = new TestPki(dir);
        TestPki otherCa = new TestPki(Files.createDirectory(dir.resolve("other")), "CN=Other Test CA");
        Path[] site = pki.write(pki.leaf(90, "site.test"), "site");
        Path clients = pki.writeCa("clients");
        String certificates = "provider: openssl\ncertificates:\n  - { cert: \"" + site[0] + "\", key: \"" + site[1] + "\" }\n";
        String optional = certificates + "client_auth: { mode: optional, ca: \"" + clients + "\" }\n";
        X509Bundle alice = pki.client("CN=alice");
        // One client context throughout: its session cache holds the tickets the node gave it.
        SSLContext client = pki.clientContext(alice);
        try (StubBackend backend = StubBackend.start("a"); TlsNode node = TlsNode.start(dir, backend.address(), optional)) {
            assertThat(subject(client, node, backend)).isEqualTo("CN=alice");
            assertThat(resumed(node)).as("the first handshake is a full one").isZero();
            assertThat(subject(client, node, backend)).isEqualTo("CN=alice");
            assertThat(resumed(node)).as("the second connection resumes").isEqualTo(1);

            node.reload();
            assertThat(subject(client, node, backend)).isEqualTo("CN=alice");
            assertThat(resumed(node)).as("a reload that changes nothing keeps resumption").isEqualTo(1);

            // The client CA is replaced: alice's certificate is no longer one the node accepts.
            Files.copy(otherCa.writeCa("clients"), clients, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            node.reload();
            assertThat(subject(client, node, backend)).as("a full handshake under the new CA").isNull();
            assertThat(resumed(node)).as("no resumption after the client CA changed").isZero();
            assertThat(refused(node)).as("the client offered its ticket").isEqualTo(1);

            // Back to alice's CA (a full handshake with her certificate), then client_auth goes.
            pki.writeCa("clients");
            node.reload();
            assertThat(subject(client, node, backend)).isEqualTo("CN=alice");
            Files.writeString(node.config, TlsNode.yaml(backend.address(), certificates));
            node.reload();
            assertThat(subject(client, node, backend)).as("no client certificate is asked for any more").isNull();
            assertThat(resumed(node)).as("no resumption after client_auth changed").isZero();
            assertThat(refused(node)).as("the client offered its ticket").isEqualTo(1);
        }
    }

    /** One request on a new connection: the subject header the backend got, or null. */
    private static String subject(SSLContext client, TlsNode node, StubBackend backend) throws Exception {
        int before = backend.requests().size();
        try (HttpsClient c = new HttpsClient(client, node.port(), "site.test")) {
            assertThat(c.get("/hello").status()).isEqualTo(200);
        }
        backend.awaitRequests(before + 1, Duration.ofSeconds(5));
        return backend.lastRequest().header("X-Client-Cert-Subject");
    }

    /** Handshakes the certificate's current context resumed from a ticket. */
    private static long resumed(TlsNode node) {
        OpenSslServerContext context = (OpenSslServerContext) node.server.tls().listener(0).current().certificates().get(0).context();
        OpenSslSessionStats s = context.sessionContext().stats();
        return s.ticketKeyResume() + s.ticketKeyRenew();
    }

    /** Tickets the certificate's current context could not decrypt: the client offered one, and it was refused. */
    private static long refused(TlsNode node) {
        OpenSslServerContext context = (OpenSslServerContext) node.server.tls().listener(0).current().certificates().get(0).context();
        return context.sessionContext().stats().ticketKeyFail();
    }
}
