package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TLS between clients and the front door: offered when the listener has it, refused ("N") when not. */
final class FrontDoorTlsIT {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .scramUser("app", "app-pass").database("appdb", "app"));

    @TempDir
    Path dir;

    @Test
    void listenerWithTls_encryptsForClientsThatAsk_andVerifies() throws Exception {
        Instant now = Instant.now();
        X509Bundle ca = new CertificateBuilder().subject("CN=Test CA").setIsCertificateAuthority(true).ecp256()
                .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(30))).buildSelfSigned();
        X509Bundle leaf = new CertificateBuilder().subject("CN=db.test").ecp256().addSanDnsName("db.test")
                .addSanIpAddress("127.0.0.1").notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(30)))
                .buildIssuedBy(ca);
        Path cert = write("leaf.crt", "CERTIFICATE", leaf.getCertificate().getEncoded());
        Path key = write("leaf.key", "PRIVATE KEY", leaf.getKeyPair().getPrivate().getEncoded());
        Path caFile = write("ca.pem", "CERTIFICATE", ca.getCertificate().getEncoded());

        try (FrontDoorFixture front = FrontDoorFixture.start(postgres.cluster(), """
                listeners: [{ bind: 127.0.0.1:0, tls: { certificates: [{ cert: "%s", key: "%s" }] } }]
                servers: { main: { address: SERVER, max_connections: 2 } }
                pools: { appdb: { server: main } }
                users: { app: { password: app-pass } }
                """.formatted(cert, key))) {
            Properties verifyFull = new Properties();
            verifyFull.setProperty("sslmode", "verify-full");
            verifyFull.setProperty("sslrootcert", caFile.toString());
            try (Connection c = front.connect("appdb", "app", "app-pass", verifyFull)) {
                assertThat(scalar(c, "SELECT current_user")).isEqualTo("app");
            }
            try (Connection plain = front.connect("appdb", "app", "app-pass")) {
                assertThat(scalar(plain, "SELECT 1")).isEqualTo("1");
            }
        }
    }

    @Test
    void listenerWithoutTls_answersNo() throws Exception {
        try (FrontDoorFixture front = FrontDoorFixture.start(postgres.cluster(), """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: 2 } }
                pools: { appdb: { server: main } }
                users: { app: { password: app-pass } }
                """)) {
            Properties require = new Properties();
            require.setProperty("sslmode", "require");
            assertThatThrownBy(() -> front.connect("appdb", "app", "app-pass", require))
                    .isInstanceOf(SQLException.class).hasMessageContaining("does not support SSL");
        }
    }

    private Path write(String name, String label, byte[] der) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + label + "-----\n");
        return p;
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
