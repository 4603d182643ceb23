package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code forwarding.body_on_get_head}: refused by default (400 and close, nothing reaches the
 * backend), forwarded as sent with {@code forward}; {@code Content-Length: 0} goes either way.
 */
final class BodyOnGetHeadIT {

    @Test
    void byDefault_aBodyOnGet_gets400WithTheReason_andNothingReachesTheBackend() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.bodyText()).contains("GET request with a body (Content-Length: 5)");
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            await().atMost(Duration.ofSeconds(10)).until(client::isClosedByPeer);
            assertThat(backend.requestsStarted()).isZero();
        }
    }

    @Test
    void withForward_getAndHeadBodiesAreForwardedAsSent_andTheNextRequestFollows() throws Exception {
        ForwardingConfig forward = new ForwardingConfig(List.of(), false, "gatehouse", false, true);
        try (StubBackend backend = StubBackend.start("a");
             TestNode node = TestNode.builder().backend(backend.address()).forwarding(forward).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "HEAD /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(client.readResponse(true).status()).isEqualTo(200);
            assertThat(client.readResponse().status()).isEqualTo(200);
            backend.awaitRequests(3, Duration.ofSeconds(10));
            List<RecordedRequest> got = backend.requests();
            assertThat(got).extracting(RecordedRequest::uri).containsExactly("/a", "/b", "/c");
            assertThat(got).extracting(RecordedRequest::bodyBytes).containsExactly(5L, 3L, 0L);
            assertThat(got.get(2).header("Content-Length")).as("Content-Length: 0 is dropped in any mode").isNull();
        }
    }
}
