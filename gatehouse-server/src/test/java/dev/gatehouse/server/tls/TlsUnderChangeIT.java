package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.deploy.Deployer;
import dev.gatehouse.server.metrics.PrometheusText;
import dev.gatehouse.testing.HttpsLoad;
import dev.gatehouse.testing.StubBackend;
import io.netty.pkitesting.X509Bundle;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The acceptance under load, over HTTP/2 (ALPN {@code h2}, all requests streams of one
 * connection) and over HTTPS/1.1 (keep-alive connections), each with a worker that makes a new
 * connection and a full handshake for every request: a certificate replaced and reloaded fails no
 * request, new handshakes get the new certificate, and a strict deploy from v1 to v2 that follows
 * fails no request either.
 */
final class TlsUnderChangeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = HttpClient.Version.class)
    void certificateReloadThenStrictDeploy_underLoad_failNoRequest(HttpClient.Version version) throws Exception {
        TestPki pki = new TestPki(dir);
        Path[] files = pki.write(pki.loopbackLeaf(90, "site.test"), "site");
        try (StubBackend a1 = StubBackend.start("a1"); StubBackend a2 = StubBackend.start("a2");
             StubBackend b1 = StubBackend.start("b1"); StubBackend b2 = StubBackend.start("b2")) {
            Path config = dir.resolve("gatehouse.yaml");
            Files.writeString(config, """
                    listeners:
                      - bind: 127.0.0.1:0
                        tls:
                          certificates:
                            - { cert: "%s", key: "%s" }
                        routes:
                          - pool: web
                    pools:
                      web:
                        slow_start: false
                        backends:
                          - { address: "%s", version: v1 }
                          - { address: "%s", version: v1 }
                    access_log: { enabled: false }
                    admin: false
                    """.formatted(files[0], files[1], a1.address(), a2.address()));
            GatehouseServer server = GatehouseServer.start(ConfigLoader.load(config), StateStore.NONE,
                    () -> ConfigLoader.load(config));
            try (HttpsLoad load = HttpsLoad.start(URI.create("https://127.0.0.1:" + server.port() + "/"),
                    pki.clientContext(null), version, 4, 1)) {
                load.awaitCompleted(100, WAIT);

                X509Bundle renewed = pki.loopbackLeaf(120, "site.test");
                pki.write(renewed, "site");
                server.control().reload(ConfigLoader.load(config), "test");
                try (HttpsClient fresh = new HttpsClient(pki.clientContext(null), server.port(), "site.test")) {
                    assertThat(fresh.serverCertificate().getSerialNumber())
                            .isEqualTo(renewed.getCertificate().getSerialNumber());
                }
                load.awaitCompleted(load.completed() + 200, WAIT);

                Deployer deployer = new Deployer(server.control(), server.snapshots(), System::nanoTime);
                DeployPlan plan = new DeployPlan("web", "v1", "v2", DeployMode.STRICT, 2, 2, 0, Duration.ofSeconds(10),
                        Duration.ofSeconds(5), Duration.ofSeconds(10));
                DeployPhase end = deployer.run("test", plan,
                        List.of(HostPort.parse(b1.address()), HostPort.parse(b2.address())), p -> { });
                int before = load.backends().size();
                load.awaitCompleted(load.completed() + 200, WAIT);

                assertThat(load.stop()).isEmpty();
                assertThat(end).isEqualTo(new DeployPhase.Done(1, false));
                List<String> backends = load.backends();
                assertThat(backends.subList(before, backends.size())).contains("b1", "b2");
                String protocol = version == HttpClient.Version.HTTP_2 ? "h2" : "h1";
                assertThat(PrometheusText.parse(server.metrics().scrape())
                        .value("gatehouse_client_requests_total", "protocol", protocol, "tls", "TLSv1.3"))
                        .isGreaterThanOrEqualTo(500.0);
            } finally {
                server.stop(Duration.ofSeconds(5));
            }
        }
    }
}
