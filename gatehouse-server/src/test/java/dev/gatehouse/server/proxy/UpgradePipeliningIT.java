package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.WebSocketEchoBackend;
import org.junit.jupiter.api.Test;

/** A request pipelined behind an upgrade request that the backend refused is answered in order. */
final class UpgradePipeliningIT {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @Test
    void requestPipelinedAfterARefusedUpgrade_isAnswered() throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            backend.refuseUpgrades(403, "no websockets for you");
            client.send("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + KEY + "\r\n\r\n"
                    + "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");

            RawHttpResponse refused = client.readResponse();
            RawHttpResponse next = client.readResponse();

            assertThat(refused.status()).isEqualTo(403);
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("hello from v1\n");
            assertThat(node.server().tunnels().size()).isZero();
        }
    }
}
