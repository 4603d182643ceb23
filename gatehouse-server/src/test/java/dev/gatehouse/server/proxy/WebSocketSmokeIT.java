package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.WebSocketEchoBackend;
import dev.gatehouse.testing.WebSocketTestClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A WebSocket through a node: the handshake passes, messages echo, a close ends both connections. */
final class WebSocketSmokeIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void handshakeAndEcho_throughTheNode() throws Exception {
        try (WebSocketEchoBackend backend = WebSocketEchoBackend.start("v1");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             WebSocketTestClient ws = WebSocketTestClient.connect(node.port(), "/ws")) {
            assertThat(ws.handshakeStatus()).isEqualTo(101);
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("hello from v1");
            ws.sendText("ping me");
            assertThat(ws.awaitMessage(WAIT).text()).isEqualTo("ping me");
            ws.sendBinary(new byte[70_000]);
            assertThat(ws.awaitMessage(WAIT).size()).isEqualTo(70_000);
            assertThat(node.server().tunnels().size()).isEqualTo(1);
            ws.sendClose(1000, "bye");
            assertThat(ws.awaitClose(WAIT).code()).isEqualTo(1000);
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> node.server().tunnels().size() == 0);
        }
    }
}
