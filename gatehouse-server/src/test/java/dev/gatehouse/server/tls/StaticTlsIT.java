package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static files over TLS, where no file region can be used: the file goes in chunks through the TLS
 * handler, whole and in order, with both providers; ranges and keep-alive work the same.
 */
final class StaticTlsIT {

    @TempDir
    Path dir;
    private TestPki pki;

    private TlsNode start(String provider) throws Exception {
        pki = new TestPki(dir);
        Path[] leaf = pki.write(pki.leaf(90, "static.test"), "leaf");
        Path root = Files.createDirectories(dir.resolve("public"));
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 1024 * 1024 + 3; i++) {
            text.append("line ").append(i).append(" of the big file\n");
        }
        Files.writeString(root.resolve("big.txt"), text);
        Files.writeString(root.resolve("small.txt"), "small");
        return TlsNode.startYaml(dir, """
                listeners:
                  - bind: 127.0.0.1:0
                    tls:
                      provider: %s
                      certificates:
                        - { cert: "%s", key: "%s" }
                    routes:
                      - static: "%s"
                admin: false
                """.formatted(provider, leaf[0], leaf[1], root));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void aLargeFile_arrivesWholeOverTls_andTheConnectionGoesOn(String provider) throws Exception {
        if (provider.equals("openssl")) {
            Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative does not load here");
        }
        try (TlsNode node = start(provider);
             HttpsClient c = new HttpsClient(pki.clientContext(null), node.port(), "static.test")) {
            String expected = Files.readString(dir.resolve("public/big.txt"));
            for (int i = 0; i < 3; i++) {
                HttpsClient.Response big = c.get("/big.txt");
                assertThat(big.status()).isEqualTo(200);
                assertThat(big.body()).isEqualTo(expected);
            }
            HttpsClient.Response range = c.get("/big.txt", "Range: bytes=100000-100009");
            assertThat(range.status()).isEqualTo(206);
            assertThat(range.body()).isEqualTo(expected.substring(100000, 100010));
            assertThat(c.get("/small.txt").body()).isEqualTo("small");
        }
    }
}
