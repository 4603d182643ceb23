package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.Http2Config;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.StaticConfig;
import dev.gatehouse.server.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static files over HTTP/2 streams: a file larger than the stream's flow-control window arrives
 * whole (the node waits for the client's window updates instead of buffering the file), several
 * files on concurrent streams of one connection, ranges and HEAD.
 */
final class StaticH2IT {

    @TempDir
    Path dir;

    @Test
    void files_overConcurrentStreams_arriveWhole() throws Exception {
        byte[] big = new byte[4 * 1024 * 1024 + 11];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7 + (i >> 12));
        }
        Files.write(dir.resolve("big.bin"), big);
        Files.writeString(dir.resolve("small.txt"), "small over h2");
        try (TestNode node = TestNode.builder().http2(Http2Config.DEFAULTS.withH2c(true))
                .route(RouteConfig.serving(null, "/", StaticConfig.of(dir.toString()), null)).start();
             H2TestClient client = H2TestClient.connect(node.port())) {
            CompletableFuture<H2TestClient.Response> a = client.request("GET", "/big.bin", null);
            CompletableFuture<H2TestClient.Response> b = client.request("GET", "/big.bin", null);
            CompletableFuture<H2TestClient.Response> small = client.request("GET", "/small.txt", null);

            assertThat(small.get(20, TimeUnit.SECONDS).text()).isEqualTo("small over h2");
            assertThat(a.get(20, TimeUnit.SECONDS).body()).isEqualTo(big);
            assertThat(b.get(20, TimeUnit.SECONDS).body()).isEqualTo(big);

            H2TestClient.Response missing = client.request("GET", "/nothing", null).get(10, TimeUnit.SECONDS);
            assertThat(missing.status()).isEqualTo(404);
            H2TestClient.Response head = client.request("HEAD", "/big.bin", null).get(10, TimeUnit.SECONDS);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.headers().get("content-length").toString()).isEqualTo(Integer.toString(big.length));
            assertThat(head.body()).isEmpty();
        }
    }
}
