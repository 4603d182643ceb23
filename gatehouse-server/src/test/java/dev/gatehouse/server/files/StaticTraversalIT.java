package dev.gatehouse.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The traversal corpus against a real node: every way of naming a file outside the root (dot
 * segments raw and encoded, double encoding, backslashes, NUL, symbolic links out) and dotfiles.
 * Next to the root lies {@code secret.txt}; no request may read it, and each gets a clear answer:
 * 400 for a path that tries to climb or holds what no file name may, 404 for what does not exist
 * (an encoded slash names a file whose name holds one: there is none).
 */
final class StaticTraversalIT {

    private static final String SECRET = "the secret outside the root";

    @TempDir
    static Path dir;
    private static TestNode node;
    private static TestNode permissive;

    @BeforeAll
    static void start() throws Exception {
        Path root = dir.resolve("public");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(dir.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("ok.txt"), "ok");
        Files.writeString(root.resolve("sub/inner.txt"), "inner");
        Files.writeString(root.resolve(".env"), "SECRET=1");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "[core]");
        Files.writeString(root.resolve("%2e%2e"), "a file named %2e%2e");
        Files.createSymbolicLink(root.resolve("out.txt"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("outdir"), dir);
        Files.createSymbolicLink(root.resolve("in.txt"), root.resolve("ok.txt"));
        node = TestNode.builder().route(RouteConfig.serving(null, "/files/", StaticConfig.of(root.toString()), null)).start();
        StaticConfig allowing = new StaticConfig(root.toString(), List.of(), false, true, true, List.of(), null, false,
                Pattern.compile(StaticConfig.DEFAULT_FINGERPRINT));
        permissive = TestNode.builder().route(RouteConfig.serving(null, "/files/", allowing, null)).start();
    }

    @AfterAll
    static void stop() {
        node.close();
        permissive.close();
    }

    private static RawHttpResponse get(TestNode n, String target) {
        try (RawHttpClient client = RawHttpClient.connect(n.port())) {
            return client.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/files/../secret.txt",
        "/files/sub/../../secret.txt",
        "/files/%2e%2e/secret.txt",
        "/files/%2E%2E/secret.txt",
        "/files/.%2e/secret.txt",
        "/files/%2e./secret.txt",
        "/files/sub/%2e%2e/%2e%2e/secret.txt",
        "/files/..\\secret.txt",
        "/files/..%5csecret.txt",
        "/files/..%5Csecret.txt",
        "/files/ok.txt%00.png",
        "/files/%00",
        "/files/ok.txt%0a",
        "/files/%c0%ae%c0%ae/secret.txt",
        "/files/%ff",
    })
    void aWayOut_isRefusedWith400(String target) {
        RawHttpResponse r = get(node, target);

        assertThat(r.status()).as(target).isEqualTo(400);
        assertThat(r.bodyText()).doesNotContain(SECRET);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "/files/out.txt",
        "/files/outdir/secret.txt",
        "/files/.env",
        "/files/.git/config",
        "/files/sub/.env",
        "/files/nothing",
        "/files/..%2fsecret.txt",
        "/files/..%2Fsecret.txt",
        "/files/%2e%2e%2fsecret.txt",
    })
    void symlinksOutDotfilesAndEncodedSlashes_doNotExist(String target) {
        RawHttpResponse r = get(node, target);

        assertThat(r.status()).as(target).isEqualTo(404);
        assertThat(r.bodyText()).doesNotContain(SECRET).doesNotContain("SECRET=1");
    }

    @Test
    void doubleEncoding_isDecodedOnce_andNamesALiteralFile() {
        RawHttpResponse r = get(node, "/files/%252e%252e");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("a file named %2e%2e");
        assertThat(get(node, "/files/%252e%252e/secret.txt").status()).isEqualTo(404);
    }

    @Test
    void dotSegmentsThatStayInside_andLinksInside_areServed() {
        assertThat(get(node, "/files/./ok.txt").bodyText()).isEqualTo("ok");
        assertThat(get(node, "/files//sub//inner.txt").bodyText()).isEqualTo("inner");
        assertThat(get(node, "/files/in.txt").bodyText()).isEqualTo("ok");
    }

    @Test
    void aRouteThatAllowsThem_servesDotfilesAndLinksOut_butNeverDotDot() {
        assertThat(get(permissive, "/files/.env").bodyText()).isEqualTo("SECRET=1");
        assertThat(get(permissive, "/files/out.txt").bodyText()).isEqualTo(SECRET);
        assertThat(get(permissive, "/files/../secret.txt").status()).isEqualTo(400);
    }

    @Test
    void afterTheCorpus_theNodeStillServes() {
        for (int i = 0; i < 3; i++) {
            get(node, "/files/%2e%2e/secret.txt");
        }
        assertThat(get(node, "/files/ok.txt").bodyText()).isEqualTo("ok");
    }
}
