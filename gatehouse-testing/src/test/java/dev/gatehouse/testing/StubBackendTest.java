package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

final class StubBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long FIFTY_MB = 50L * 1024 * 1024;

    @Test
    void get_answersWithItsName() {
        try (StubBackend backend = StubBackend.start("a")) {
            RawHttpResponse response = RawHttpResponse.get(backend.port(), "/anything");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("a\n");
            assertThat(response.header("x-backend")).isEqualTo("a");
            assertThat(response.header("Content-Type")).startsWith("text/plain");
            assertThat(backend.address()).isEqualTo("127.0.0.1:" + backend.port());
            RecordedRequest recorded = backend.lastRequest();
            assertThat(recorded.method()).isEqualTo("GET");
            assertThat(recorded.uri()).isEqualTo("/anything");
            assertThat(recorded.header("host")).isEqualTo("localhost");
            assertThat(recorded.bodyBytes()).isZero();
            assertThat(recorded.bodySha256()).isEqualTo(DeterministicBytes.sha256(0));
            assertThat(recorded.httpVersion()).isEqualTo("HTTP/1.1");
        }
    }

    @Test
    void captureBytes_keepsTheRawBytesPerConnection_onlyWhileOn() {
        try (StubBackend backend = StubBackend.start("a")) {
            RawHttpResponse.get(backend.port(), "/before");
            backend.captureBytes(true);
            try (RawHttpClient first = RawHttpClient.connect(backend.port());
                 RawHttpClient second = RawHttpClient.connect(backend.port())) {
                second.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                first.send("GET /1 HTTP/1.1\r\nHost: x\r\nX-Odd: caf\u00e9\r\n\r\n").readResponse();
                second.send("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
            }
            assertThat(new String(backend.receivedBytes(), StandardCharsets.ISO_8859_1)).as("connections in order of their first byte")
                    .isEqualTo("GET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "GET /1 HTTP/1.1\r\nHost: x\r\nX-Odd: caf\u00e9\r\n\r\n");
            backend.clearReceivedBytes();
            backend.captureBytes(false);
            RawHttpResponse.get(backend.port(), "/after");
            assertThat(backend.receivedBytes()).isEmpty();
        }
    }

    @Test
    void keepAlive_reusesOneConnection() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            for (int i = 0; i < 3; i++) {
                RawHttpResponse response = client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("Connection")).isNull();
            }

            assertThat(backend.connectionsAccepted()).isEqualTo(1);
            assertThat(backend.openConnections()).isEqualTo(1);
            assertThat(backend.requests()).extracting(RecordedRequest::connectionId).containsOnly(1L);
            assertThat(client.isClosedByPeer()).isFalse();
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET /delay/50 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /status/404 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /download?bytes=3 HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(client.readResponse().bodyText()).isEqualTo("a\n");
            assertThat(client.readResponse().status()).isEqualTo(404);
            assertThat(client.readResponse().body()).isEqualTo(DeterministicBytes.bytes(0, 3));
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void connectionClose_closesAfterTheResponse() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse response = client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .readResponse();

            assertThat(response.header("Connection")).isEqualTo("close");
            await().atMost(WAIT).until(client::isClosedByPeer);
            await().atMost(WAIT).until(() -> backend.openConnections() == 0);
        }
    }

    @Test
    void http10_keepsAliveOnlyWhenAsked() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse kept = client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").readResponse();
            assertThat(kept.header("Connection")).isEqualToIgnoringCase("keep-alive");
            assertThat(client.isClosedByPeer()).isFalse();

            client.send("GET / HTTP/1.0\r\n\r\n").readResponse();
            await().atMost(WAIT).until(client::isClosedByPeer);
            assertThat(backend.requests()).extracting(RecordedRequest::httpVersion).containsOnly("HTTP/1.0");
        }
    }

    @Test
    void download_streamsFiftyMegabytesWithContentLength() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET /download?bytes=" + FIFTY_MB + " HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse response = client.readResponse(false, OutputStream.nullOutputStream());

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Length")).isEqualTo(Long.toString(FIFTY_MB));
            assertThat(response.bodyLength()).isEqualTo(FIFTY_MB);
            assertThat(response.bodySha256()).isEqualTo(DeterministicBytes.sha256(FIFTY_MB));
        }
    }

    @Test
    void download_chunked() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            long n = 300_001;
            client.send("GET /download?bytes=" + n + "&chunked=true HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse response = client.readResponse();

            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(response.header("Content-Length")).isNull();
            assertThat(response.bodySha256()).isEqualTo(DeterministicBytes.sha256(n));
            assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().bodyText()).isEqualTo("a\n");
        }
    }

    @Test
    void upload_answersLengthAndHashOfFiftyMegabytes() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + FIFTY_MB + "\r\n\r\n")
                    .send(DeterministicBytes.stream(FIFTY_MB));
            RawHttpResponse response = client.readResponse();

            String sha = DeterministicBytes.sha256(FIFTY_MB);
            assertThat(response.header("Content-Type")).isEqualTo("application/json");
            assertThat(response.bodyText()).isEqualTo("{\"bytes\":" + FIFTY_MB + ",\"sha256\":\"" + sha + "\"}");
            assertThat(backend.lastRequest().bodyBytes()).isEqualTo(FIFTY_MB);
            assertThat(backend.lastRequest().bodySha256()).isEqualTo(sha);
        }
    }

    @Test
    void upload_chunkedRequestBody() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse response = client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n").readResponse();

            assertThat(response.bodyText()).startsWith("{\"bytes\":11,");
            assertThat(backend.lastRequest().method()).isEqualTo("PUT");
        }
    }

    @Test
    void echo_streamsTheBodyBackWithItsFraming() throws Exception {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            long n = 8L * 1024 * 1024;
            // Bigger than the socket buffers: send from another thread while this one reads.
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> client
                    .send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-test\r\nContent-Length: " + n
                            + "\r\n\r\n")
                    .send(DeterministicBytes.stream(n)));
            RawHttpResponse response = client.readResponse(false, OutputStream.nullOutputStream());
            sent.get();

            assertThat(response.header("Content-Type")).isEqualTo("application/x-test");
            assertThat(response.header("Content-Length")).isEqualTo(Long.toString(n));
            assertThat(response.bodySha256()).isEqualTo(DeterministicBytes.sha256(n));

            RawHttpResponse chunked = client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").readResponse();
            assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(chunked.bodyText()).isEqualTo("abcde");
            assertThat(backend.connectionsAccepted()).isEqualTo(1);
        }
    }

    @Test
    void head_getsHeadersWithoutBody() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse root = client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse(true);
            RawHttpResponse download = client.send("HEAD /download?bytes=1000 HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readResponse(true);
            RawHttpResponse chunked = client.send("HEAD /download?bytes=1000&chunked=true HTTP/1.1\r\nHost: x\r\n\r\n")
                    .readResponse(true);
            RawHttpResponse after = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();

            assertThat(root.header("Content-Length")).isEqualTo("2");
            assertThat(root.header("X-Backend")).isEqualTo("a");
            assertThat(download.header("Content-Length")).isEqualTo("1000");
            assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
            // Had the stub sent a body, it would now be read as the next response's status line.
            assertThat(after.status()).isEqualTo(200);
            assertThat(after.bodyText()).isEqualTo("a\n");
        }
    }

    @Test
    void status_answersThatStatus() {
        try (StubBackend backend = StubBackend.start("a")) {
            assertThat(RawHttpResponse.get(backend.port(), "/status/503").status()).isEqualTo(503);
            assertThat(RawHttpResponse.get(backend.port(), "/status/503").bodyText()).isEqualTo("503 Service Unavailable\n");
            RawHttpResponse noContent = RawHttpResponse.get(backend.port(), "/status/204");
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.header("Content-Length")).isNull();
            assertThat(RawHttpResponse.get(backend.port(), "/status/99").status()).isEqualTo(400);
        }
    }

    @Test
    void delay_answersAfterTheDelay() {
        try (StubBackend backend = StubBackend.start("a")) {
            long start = System.nanoTime();
            RawHttpResponse response = RawHttpResponse.get(backend.port(), "/delay/200");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(response.bodyText()).isEqualTo("a\n");
        }
    }

    @Test
    void headers_answersTheRequestHeadersAsJson() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse response = client.send("GET /headers HTTP/1.1\r\nHost: x\r\nX-Multi: 1\r\nx-multi: \"2\"\r\n\r\n")
                    .readResponse();

            assertThat(response.bodyText()).isEqualTo("{\"host\":[\"x\"],\"x-multi\":[\"1\",\"\\\"2\\\"\"]}");
        }
    }

    @Test
    void text_answersFixedStatusAndBody() {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.text(418, "teapot"))) {
            RawHttpResponse response = RawHttpResponse.get(backend.port(), "/");

            assertThat(response.status()).isEqualTo(418);
            assertThat(response.bodyText()).isEqualTo("teapot");
            assertThat(response.header("X-Backend")).isEqualTo("a");
        }
    }

    @Test
    void behavior_canBeSwappedAtRuntime() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status()).isEqualTo(200);
            backend.behavior(StubBehaviors.text(503, "down"));

            assertThat(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status()).isEqualTo(503);
        }
    }

    @Test
    void delayBehavior_waitsThenDelegates() {
        try (StubBackend backend = StubBackend.start("a",
                StubBehaviors.delay(Duration.ofMillis(150), StubBehaviors.text(200, "late")))) {
            long start = System.nanoTime();
            RawHttpResponse response = RawHttpResponse.get(backend.port(), "/");

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(response.bodyText()).isEqualTo("late");
        }
    }

    @Test
    void hang_recordsTheHeadAndNeverAnswers() {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.hang())) {
            try (RawHttpClient client = RawHttpClient.connect(backend.port(), Duration.ofMillis(300))) {
                client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");
                backend.awaitRequests(1, WAIT);

                assertThat(backend.lastRequest().bodyBytes()).isEqualTo(-1);
                assertThat(backend.lastRequest().bodySha256()).isNull();
                assertThatThrownBy(client::readResponse).isInstanceOf(UncheckedIOException.class);
            }
            // The stub keeps reading, so it notices the client leaving.
            await().atMost(WAIT).until(() -> backend.openConnections() == 0);
        }
    }

    @Test
    void closeImmediately_closesWithoutResponse() {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.closeImmediately());
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

            await().atMost(WAIT).until(client::isClosedByPeer);
            assertThatThrownBy(client::readResponse).isInstanceOf(UncheckedIOException.class);
            assertThat(backend.requests()).singleElement().satisfies(r -> assertThat(r.bodyBytes()).isEqualTo(-1));
        }
    }

    @Test
    void closeMidBody_sendsPartOfTheBodyThenCloses() {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.closeMidBody(100_000));
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThatThrownBy(client::readResponse)
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("1024 of 101024 body bytes missing");
        }
    }

    @Test
    void stallMidBody_sendsPartOfTheBodyThenGoesSilent() {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.stallMidBody(10));
             RawHttpClient client = RawHttpClient.connect(backend.port(), Duration.ofMillis(300))) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThatThrownBy(client::readResponse).hasRootCauseInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(client.isClosedByPeer()).isFalse();
            assertThat(backend.openConnections()).isEqualTo(1);
        }
    }

    @Test
    void raw_writesTheBytesAsTheyAre() {
        byte[] raw = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabc".getBytes(StandardCharsets.ISO_8859_1);
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.raw(raw));
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse response = client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();

            assertThat(response.headers("content-length")).containsExactly("3", "4");
            assertThat(response.header("X-Backend")).isNull();
            await().atMost(WAIT).until(client::isClosedByPeer);
        }
    }

    @Test
    void expectContinue_acceptsWithInterimResponse() {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.expectContinue(0));
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            RawHttpResponse interim = client.readResponse();
            RawHttpResponse last = client.send("hello").readResponse();

            assertThat(interim.status()).isEqualTo(100);
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.bodyText()).startsWith("{\"bytes\":5,");
            assertThat(last.header("X-Backend")).isEqualTo("a");
        }
    }

    @Test
    void expectContinue_rejectsWithoutReadingTheBody() {
        try (StubBackend backend = StubBackend.start("a", StubBehaviors.expectContinue(417));
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse response = client.send(
                    "POST /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n").readResponse();

            assertThat(response.status()).isEqualTo(417);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(backend.lastRequest().bodyBytes()).isEqualTo(-1);
            await().atMost(WAIT).until(client::isClosedByPeer);
        }
    }

    @Test
    void malformedRequest_getsBadRequestAndClose() {
        try (StubBackend backend = StubBackend.start("a");
             RawHttpClient client = RawHttpClient.connect(backend.port())) {
            RawHttpResponse response = client.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
                    .readResponse();

            assertThat(response.status()).isEqualTo(400);
            await().atMost(WAIT).until(client::isClosedByPeer);
            assertThat(backend.requests()).isEmpty();
        }
    }

    @Test
    void awaitRequests_failsAfterTheTimeout() {
        try (StubBackend backend = StubBackend.start("a")) {
            assertThatThrownBy(() -> backend.awaitRequests(1, Duration.ofMillis(50)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("0 requests recorded");
        }
    }

    @Test
    void connectionIds_tellConnectionsApart() {
        try (StubBackend backend = StubBackend.start("a")) {
            RawHttpResponse.get(backend.port(), "/1");
            RawHttpResponse.get(backend.port(), "/2");

            assertThat(backend.requests()).extracting(RecordedRequest::connectionId).containsExactly(1L, 2L);
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @Test
    void close_closesOpenConnections() {
        StubBackend backend = StubBackend.start("a");
        try (RawHttpClient client = RawHttpClient.connect(backend.port())) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();

            backend.close();

            await().atMost(WAIT).until(client::isClosedByPeer);
        }
    }
}
