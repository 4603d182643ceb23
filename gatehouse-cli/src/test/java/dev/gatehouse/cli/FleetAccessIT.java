package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.EtcdCluster;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a node reaches its fleet's etcd when etcd guards itself: TLS with client certificates, and
 * etcd's own users. The right credentials work; the wrong ones stop the node at start with an
 * error that says what failed.
 */
final class FleetAccessIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final InProcessCli cli = new InProcessCli();

    private static X509Bundle ca(String subject) throws Exception {
        Instant now = Instant.now();
        return new CertificateBuilder().subject(subject).setIsCertificateAuthority(true).ecp256()
                .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(30))).buildSelfSigned();
    }

    private static X509Bundle leaf(X509Bundle ca, String name, boolean server) throws Exception {
        Instant now = Instant.now();
        CertificateBuilder b = new CertificateBuilder().subject("CN=" + name).ecp256()
                .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(30)));
        if (server) {
            b.addSanDnsName("localhost").addSanIpAddress("127.0.0.1");
        }
        return b.buildIssuedBy(ca);
    }

    private Path pem(String file, String label, byte[] der) throws Exception {
        return Files.writeString(dir.resolve(file), "-----BEGIN " + label + "-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n", StandardCharsets.US_ASCII);
    }

    private Path config(String node, List<String> endpoints, StubBackend backend, String access) throws Exception {
        return Files.writeString(dir.resolve(node + ".yaml"), """
                listeners:
                  - bind: 127.0.0.1:0
                    routes:
                      - { path_prefix: /, pool: web }
                admin:
                  bind: 127.0.0.1:0
                pools:
                  web:
                    backends:
                      - { address: "%s" }
                access_log: { enabled: false }
                fleet:
                  name: guarded
                  node: %s
                  endpoints: [ %s ]
                %s""".formatted(backend.address(), node, String.join(", ", endpoints.stream().map(e -> "\"" + e + "\"").toList()),
                access.indent(2)));
    }

    private static void assertStopsWith(NodeProcess node, String... words) throws Exception {
        assertThat(node.process().waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the node stopped").isTrue();
        assertThat(node.process().exitValue()).isNotZero();
        assertThat(node.stderr()).contains(words);
    }

    @Test
    void tlsWithClientCertificates_works_andAnotherCaOrNoClientCertificate_stopsTheNodeAtStart() throws Exception {
        X509Bundle ca = ca("CN=Etcd Test CA");
        X509Bundle server = leaf(ca, "etcd", true);
        X509Bundle client = leaf(ca, "gatehouse", false);
        Path caFile = pem("ca.pem", "CERTIFICATE", ca.getCertificate().getEncoded());
        Path serverCert = pem("etcd.crt", "CERTIFICATE", server.getCertificate().getEncoded());
        Path serverKey = pem("etcd.key", "PRIVATE KEY", server.getKeyPair().getPrivate().getEncoded());
        Path clientCert = pem("client.crt", "CERTIFICATE", client.getCertificate().getEncoded());
        Path clientKey = pem("client.key", "PRIVATE KEY", client.getKeyPair().getPrivate().getEncoded());
        Path otherCa = pem("other.pem", "CERTIFICATE", ca("CN=Another CA").getCertificate().getEncoded());

        try (EtcdCluster etcd = EtcdCluster.start(1, new EtcdCluster.ClientTls(serverCert, serverKey, caFile));
             StubBackend backend = StubBackend.start("a")) {
            assertThat(etcd.endpoint(0)).startsWith("https://");
            String tls = "tls: { ca_file: \"%s\", cert_file: \"%s\", key_file: \"%s\" }".formatted(caFile, clientCert, clientKey);
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config",
                    config("n1", etcd.endpoints(), backend, tls).toString())) {
                int port = node.awaitPort();
                String admin = "http://127.0.0.1:" + node.awaitAdminPort();
                await().atMost(WAIT).until(() -> RawHttpResponse.get(port, "/x").status() == 200);
                assertThat(cli.run("backend", "weight", "--admin", admin, "--pool", "web", "--address", backend.address(),
                        "--weight", "7")).as(cli.printed()).isZero();
                assertThat(node.stderr()).contains("following /gatehouse/fleets/guarded on [https://");
            }

            String wrongCa = "tls: { ca_file: \"%s\", cert_file: \"%s\", key_file: \"%s\" }".formatted(otherCa, clientCert, clientKey);
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config",
                    config("n2", etcd.endpoints(), backend, wrongCa).toString())) {
                assertStopsWith(node, "etcd did not answer", "certificate the node does not trust");
            }
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config",
                    config("n4", etcd.endpoints(), backend, "tls: { ca_file: \"" + caFile + "\" }").toString())) {
                // etcd asks for a client certificate and this node has none.
                assertStopsWith(node, "etcd did not answer");
            }
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config",
                    config("n3", etcd.endpoints(), backend, "tls: { ca_file: \"" + dir.resolve("missing.pem") + "\" }").toString())) {
                assertStopsWith(node, "fleet.tls.ca_file", "missing.pem", "cannot be read");
            }
        }
    }

    @Test
    void etcdUsers_theRightPasswordWorks_andAWrongOneStopsTheNodeAtStartSayingSo() throws Exception {
        try (EtcdCluster etcd = EtcdCluster.start(1); StubBackend backend = StubBackend.start("a")) {
            etcd.enableAuth("right-password");
            Path right = Files.writeString(dir.resolve("right"), "right-password\n");
            Path wrong = Files.writeString(dir.resolve("wrong"), "wrong-password\n");
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config",
                    config("n1", etcd.endpoints(), backend, "user: root\npassword_file: \"" + right + "\"").toString())) {
                int port = node.awaitPort();
                await().atMost(WAIT).until(() -> RawHttpResponse.get(port, "/x").status() == 200);
            }
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config",
                    config("n2", etcd.endpoints(), backend, "user: root\npassword_file: \"" + wrong + "\"").toString())) {
                assertStopsWith(node, "UNAUTHENTICATED", "check fleet.user and its password");
                System.out.println("wrong password: " + node.stderr().lines().filter(l -> l.startsWith("gatehouse:")).toList());
            }
        }
    }
}
