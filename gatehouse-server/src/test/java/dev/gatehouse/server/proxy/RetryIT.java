package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.QueueConfig;
import dev.gatehouse.core.config.RetryBudgetConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.state.PoolStatus;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.BodyConsumer;
import dev.gatehouse.testing.DeterministicBytes;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import dev.gatehouse.testing.StubBehaviors;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retries to another backend: what is retried (anything not sent; idempotent requests after a
 * reset, a timeout or a listed status), what is not (a POST that may have been sent, a body past
 * the replay buffer), and what bounds them (tries, deadline, budget).
 */
final class RetryIT {

    /** No passive ejection and no slow start, so that every request meets the backend the test set up. */
    private static final HealthConfig NO_EJECTION = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    private static RetryConfig retries(List<Integer> onStatus, Duration perTry, Duration deadline, long buffer) {
        return new RetryConfig(2, onStatus, true, perTry, deadline, buffer, RetryBudgetConfig.DEFAULTS);
    }

    private static TestNode node(RetryConfig retry, String... backends) throws Exception {
        return builder(retry, backends).start();
    }

    /**
     * Like {@link #node}, with one request at a time per backend and the rest queued: a retry can
     * be made to wait. Bodies stream (no request buffering), so that a body can arrive while a
     * retry waits: the path a body past the buffer's bounds takes (BodyBufferingIT covers buffering).
     */
    private static TestNode oneSlotNode(RetryConfig retry, String... backends) throws Exception {
        return builder(retry, backends).policy("web", null, null, new AdmissionConfig(1, null, QueueConfig.DEFAULTS, null, false),
                        null)
                .start();
    }

    private static TestNode.Builder builder(RetryConfig retry, String... backends) {
        TestNode.Builder b = TestNode.builder();
        for (String a : backends) {
            b.backend(a);
        }
        return b.health("web", NO_EJECTION).retry("web", retry);
    }

    private static PoolStatus web(TestNode node) {
        return node.server().status().get(0);
    }

    private static String closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    private static RawHttpResponse request(RawHttpClient client, String method, String path, byte[] body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: x\r\n"
                + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.writeBytes(body);
        }
        client.send(out.toByteArray());
        return client.readResponse();
    }

    private static long requestsWithId(StubBackend backend, String id) {
        return backend.requests().stream().filter(r -> id.equals(r.header("X-Request-Id"))).count();
    }

    @Test
    void connectRefused_anyMethodGoesToAnotherBackend() throws Exception {
        try (StubBackend good = StubBackend.start("good");
             TestNode node = node(RetryConfig.DEFAULTS, closedPort(), good.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            for (int i = 0; i < 6; i++) {
                RawHttpResponse r = request(client, "POST", "/echo", "body".getBytes(StandardCharsets.US_ASCII));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-Backend")).isEqualTo("good");
            }
            // Round robin sent every other request to the closed port first: those were retried.
            assertThat(web(node).retries()).isGreaterThanOrEqualTo(2);
            assertThat(good.requestsStarted()).isEqualTo(6);
        }
    }

    @Test
    void backendClosesBeforeAnswering_getIsRetried_postIsNot() throws Exception {
        try (StubBackend bad = StubBackend.start("bad", StubBehaviors.closeImmediately());
             StubBackend good = StubBackend.start("good");
             TestNode node = node(RetryConfig.DEFAULTS, bad.address(), good.address())) {
            for (int i = 0; i < 4; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    assertThat(request(client, "GET", "/x", null).status()).isEqualTo(200);
                }
            }
            assertThat(bad.requestsStarted()).isGreaterThanOrEqualTo(1);
            int failed = 0;
            for (int i = 0; i < 4; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    RawHttpResponse r = request(client, "POST", "/echo", "data".getBytes(StandardCharsets.US_ASCII));
                    if (r.status() == 502) {
                        failed++;
                        // The POST reached the bad backend and was not sent anywhere else.
                        String id = r.header("X-Request-Id");
                        assertThat(requestsWithId(bad, id)).isEqualTo(1);
                        assertThat(requestsWithId(good, id)).isZero();
                    } else {
                        assertThat(r.status()).isEqualTo(200);
                    }
                }
            }
            assertThat(failed).isGreaterThanOrEqualTo(1);
            // The node carries on.
            try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                assertThat(request(client, "GET", "/after", null).status()).isEqualTo(200);
            }
        }
    }

    @Test
    void backendThatNeverAnswers_isTimedOutPerTry_andTheGetRetried() throws Exception {
        try (StubBackend hang = StubBackend.start("hang", StubBehaviors.hang());
             StubBackend good = StubBackend.start("good");
             TestNode node = node(retries(List.of(), Duration.ofMillis(300), null, 65536), hang.address(), good.address())) {
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    long start = System.nanoTime();
                    RawHttpResponse r = request(client, "GET", "/slow-or-not", null);
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("X-Backend")).isEqualTo("good");
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                }
            }
            // Round robin's turn also moves at a retry, so each GET may have met the hanging one first.
            assertThat(hang.requestsStarted()).isBetween(1, 2);
            assertThat(web(node).retries()).isEqualTo(hang.requestsStarted());
            assertThat(good.requestsStarted()).isEqualTo(2);
        }
    }

    @Test
    void postToABackendThatNeverAnswers_is504_notRetried() throws Exception {
        try (StubBackend hang = StubBackend.start("hang", StubBehaviors.hang());
             StubBackend good = StubBackend.start("good");
             TestNode node = node(retries(List.of(), Duration.ofMillis(300), null, 65536), hang.address(), good.address())) {
            int timedOut = 0;
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    RawHttpResponse r = request(client, "POST", "/echo", "x".getBytes(StandardCharsets.US_ASCII));
                    if (r.status() == 504) {
                        timedOut++;
                        assertThat(requestsWithId(good, r.header("X-Request-Id"))).isZero();
                    } else {
                        assertThat(r.status()).isEqualTo(200);
                    }
                }
            }
            assertThat(timedOut).isEqualTo(1);
        }
    }

    @Test
    void putBodyWithinTheBuffer_isReplayedWholeToTheNextBackend() throws Exception {
        byte[] body = DeterministicBytes.bytes(0, 20_000);
        try (StubBackend bad = StubBackend.start("bad", StubBehaviors.closeImmediately());
             StubBackend good = StubBackend.start("good");
             TestNode node = node(RetryConfig.DEFAULTS, bad.address(), good.address())) {
            for (int i = 0; i < 4; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    RawHttpResponse r = request(client, "PUT", "/upload", body);
                    assertThat(r.status()).isEqualTo(200);
                    RecordedRequest got = good.lastRequest();
                    assertThat(got.bodyBytes()).isEqualTo(body.length);
                    assertThat(got.bodySha256()).isEqualTo(sha256(body));
                }
            }
            assertThat(bad.requestsStarted()).isGreaterThanOrEqualTo(1);
            assertThat(web(node).retries()).isEqualTo(bad.requestsStarted());
        }
    }

    @Test
    void putWhoseBodyIsSentAfterTheFirstBackendClosed_isReplayedToTheNext() throws Exception {
        byte[] body = DeterministicBytes.bytes(7, 30_000);
        try (StubBackend bad = StubBackend.start("bad", StubBehaviors.closeImmediately());
             StubBackend good = StubBackend.start("good");
             TestNode node = node(RetryConfig.DEFAULTS, bad.address(), good.address())) {
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    int before = bad.requestsStarted() + good.requestsStarted();
                    client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n");
                    // The head alone reaches a backend; if it is the bad one, the retry starts
                    // before any body byte exists, and the body follows to the next backend.
                    await().atMost(Duration.ofSeconds(5))
                            .until(() -> bad.requestsStarted() + good.requestsStarted() > before);
                    client.send(body);
                    RawHttpResponse r = client.readResponse();
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(good.lastRequest().bodySha256()).isEqualTo(sha256(body));
                }
            }
            assertThat(bad.requestsStarted()).isBetween(1, 2);
        }
    }

    @Test
    void bodyArrivingWhileTheRetryWaitsInTheQueue_isHeldAndReplayed() throws Exception {
        byte[] body = DeterministicBytes.bytes(3, 40_000);
        try (StubBackend bad = StubBackend.start("bad", StubBehaviors.closeImmediately());
             StubBackend good = StubBackend.start("good");
             TestNode node = oneSlotNode(RetryConfig.DEFAULTS, bad.address(), good.address());
             RawHttpClient busy = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            // Keep the good backend's one slot busy, so the PUT's first try meets the bad one and
            // its retry waits in the queue while the body arrives.
            busy.send("GET /delay/700 HTTP/1.1\r\nHost: x\r\n\r\n");
            good.awaitRequests(1, Duration.ofSeconds(5));
            client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n");
            bad.awaitRequests(1, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> web(node).admission().queueLength() == 1);
            client.send(body);
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Backend")).isEqualTo("good");
            assertThat(good.lastRequest().bodyBytes()).isEqualTo(body.length);
            assertThat(good.lastRequest().bodySha256()).isEqualTo(sha256(body));
            assertThat(busy.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void putBodyOverTheBuffer_isNotRetried() throws Exception {
        byte[] body = DeterministicBytes.bytes(0, 20_000);
        try (StubBackend bad = StubBackend.start("bad", StubBehaviors.closeImmediately());
             StubBackend good = StubBackend.start("good");
             TestNode node = node(retries(List.of(), null, null, 1024), bad.address(), good.address())) {
            int failed = 0;
            for (int i = 0; i < 4; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    RawHttpResponse r = request(client, "PUT", "/upload", body);
                    if (r.status() == 502) {
                        failed++;
                    } else {
                        assertThat(r.status()).isEqualTo(200);
                    }
                }
            }
            // The bad backend closes as the head arrives: whether any body was read by then is a
            // race, so a retry happens only when none was; every 502 is a request not retried.
            assertThat(failed + web(node).retries()).isEqualTo(bad.requestsStarted());
        }
    }

    @Test
    void listedStatus_idempotentGoesToAnotherBackend_postGetsTheResponse() throws Exception {
        try (StubBackend busy = StubBackend.start("busy", StubBehaviors.text(503, "busy"));
             StubBackend good = StubBackend.start("good");
             TestNode node = node(retries(List.of(503), null, null, 65536), busy.address(), good.address())) {
            for (int i = 0; i < 4; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    assertThat(request(client, "GET", "/x", null).status()).isEqualTo(200);
                }
            }
            int passedThrough = 0;
            for (int i = 0; i < 4; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    RawHttpResponse r = request(client, "POST", "/echo", "p".getBytes(StandardCharsets.US_ASCII));
                    if (r.status() == 503) {
                        passedThrough++;
                        assertThat(r.bodyText()).isEqualTo("busy");
                    }
                }
            }
            assertThat(passedThrough).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void lastBackendsAnswer_goesToTheClientWhenNoneIsLeft() throws Exception {
        try (StubBackend busy = StubBackend.start("busy", StubBehaviors.text(503, "busy"));
             TestNode node = node(retries(List.of(503), null, null, 65536), busy.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            RawHttpResponse r = request(client, "GET", "/x", null);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.bodyText()).isEqualTo("busy");
            assertThat(busy.requestsStarted()).isEqualTo(1);
        }
    }

    @Test
    void deadline_boundsEveryTryTogether() throws Exception {
        try (StubBackend a = StubBackend.start("a", StubBehaviors.hang());
             StubBackend b = StubBackend.start("b", StubBehaviors.hang());
             StubBackend c = StubBackend.start("c", StubBehaviors.hang());
             TestNode node = node(retries(List.of(), Duration.ofMillis(400), Duration.ofMillis(600), 65536),
                     a.address(), b.address(), c.address());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            long start = System.nanoTime();
            RawHttpResponse r = request(client, "GET", "/x", null);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.status()).isEqualTo(504);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(550)).isLessThan(Duration.ofMillis(3000));
            // The first try timed out at 400 ms, the second at the deadline; no third try.
            assertThat(a.requestsStarted() + b.requestsStarted() + c.requestsStarted()).isEqualTo(2);
        }
    }

    @Test
    void everyBackendFailing_theBudgetCapsRetries() throws Exception {
        RetryConfig tight = new RetryConfig(2, List.of(), true, null, null, 65536,
                new RetryBudgetConfig(20, 1, Duration.ofSeconds(10)));
        try (StubBackend a = StubBackend.start("a", StubBehaviors.closeImmediately());
             StubBackend b = StubBackend.start("b", StubBehaviors.closeImmediately());
             StubBackend c = StubBackend.start("c", StubBehaviors.closeImmediately());
             TestNode node = node(tight, a.address(), b.address(), c.address())) {
            int requests = 100;
            for (int i = 0; i < requests; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    assertThat(request(client, "GET", "/x", null).status()).isEqualTo(502);
                }
            }
            PoolStatus s = web(node);
            // At most 20 % of the requests plus 1 a second over the 10 s window; without a budget
            // every request would have been tried 3 times (200 retries).
            assertThat(s.retries()).isLessThanOrEqualTo(requests * 20 / 100 + 10);
            assertThat(s.retriesDenied()).isGreaterThan(0);
            assertThat(a.requestsStarted() + b.requestsStarted() + c.requestsStarted()).isEqualTo(requests + (int) s.retries());
        }
    }

    @Test
    void noAvailableBackendLeft_aFailOpenPoolRetriesOnAnEjectedOne() throws Exception {
        HealthConfig ejecting = new HealthConfig(null, OutlierConfig.DEFAULTS, SlowStartConfig.OFF, PanicConfig.DEFAULTS);
        try (StubBackend bad = StubBackend.start("bad", StubBehaviors.closeImmediately());
             StubBackend good = StubBackend.start("good");
             TestNode node = TestNode.builder().backend(bad.address()).backend(good.address()).health("web", ejecting)
                     .retry("web", RetryConfig.DEFAULTS).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            var web = node.server().snapshots().current().pool("web");
            var goodMember = web.members().get(1);
            // The good backend looks dead to passive detection (say it was restarting a moment ago).
            for (int i = 0; i < OutlierConfig.DEFAULTS.consecutiveConnectFailures(); i++) {
                web.health().connectFailed(goodMember, "connection refused");
            }
            assertThat(web.available()).hasSize(1);
            RawHttpResponse r = request(client, "GET", "/x", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Backend")).isEqualTo("good");
            assertThat(bad.requestsStarted()).isEqualTo(1);
        }
    }

    @Test
    void retriesOff_nothingIsRetried() throws Exception {
        try (StubBackend good = StubBackend.start("good");
             TestNode node = node(RetryConfig.OFF, closedPort(), good.address())) {
            int failed = 0;
            for (int i = 0; i < 4; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    if (request(client, "GET", "/x", null).status() == 502) {
                        failed++;
                    }
                }
            }
            assertThat(failed).isEqualTo(2);
            assertThat(web(node).retries()).isZero();
        }
    }

    @Test
    void expectContinue_afterAFailedConnect_theNextBackendStillGetsTheExpectation() throws Exception {
        try (StubBackend good = StubBackend.start("good", StubBehaviors.expectContinue(0));
             TestNode node = node(RetryConfig.DEFAULTS, closedPort(), good.address())) {
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port(), Duration.ofSeconds(3))) {
                    client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
                    // The client waits for "100 Continue" before it sends the body: whichever
                    // backend the request ends up on must still be asked for it.
                    assertThat(client.readResponse().status()).isEqualTo(100);
                    client.send("body");
                    RawHttpResponse r = client.readResponse();
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(good.lastRequest().bodyBytes()).isEqualTo(4);
                }
            }
            assertThat(web(node).retries()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void clientThatNeverSendsTheBody_afterAFailedConnect_getsTheBodyTimeout() throws Exception {
        try (StubBackend good = StubBackend.start("good");
             TestNode node = TestNode.builder().backend(closedPort()).backend(good.address())
                     .timeouts(null, null, Duration.ofMillis(500), null, null, null)
                     .health("web", NO_EJECTION).retry("web", RetryConfig.DEFAULTS).start()) {
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port(), Duration.ofSeconds(4))) {
                    client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
                    // The body never comes: client_body bounds that, whichever backend took the request.
                    assertThat(client.readResponse().status()).isEqualTo(408);
                }
            }
            assertThat(web(node).retries()).isGreaterThanOrEqualTo(1);
        }
    }

    /** Reads the request body until {@code n} bytes (or its end) arrived, then closes without answering. */
    private static StubBehavior closeAfterBody(long n) {
        return ex -> ex.readBody(new BodyConsumer() {
            private long got;

            @Override
            public Future<?> onContent(ByteBuf content) {
                got += content.readableBytes();
                if (got >= n) {
                    ex.closeConnection();
                }
                return null;
            }

            @Override
            public void onEnd(HttpHeaders trailers) {
                ex.closeConnection();
            }
        });
    }

    @Test
    void lastBodyPartHeldWhileTheRetryQueued_thenAPipelinedRequest_bothAnswered() throws Exception {
        byte[] body = DeterministicBytes.bytes(5, 80_100);
        try (StubBackend bad = StubBackend.start("bad", closeAfterBody(80_000));
             StubBackend good = StubBackend.start("good");
             TestNode node = oneSlotNode(retries(List.of(), null, null, 1024 * 1024), bad.address(), good.address());
             RawHttpClient busy = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            // The busy GET meets the bad backend first (round robin), is retried and then holds the
            // good backend's one slot, so the PUT goes to the bad one.
            busy.send("GET /delay/1000 HTTP/1.1\r\nHost: x\r\n\r\n");
            good.awaitRequests(1, Duration.ofSeconds(5));
            client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n");
            client.send(java.util.Arrays.copyOf(body, 80_000));
            // The bad backend closed after 80,000 bytes: the retry waits in the queue.
            await().atMost(Duration.ofSeconds(5)).until(() -> web(node).admission().queueLength() == 1);
            // The end of the body (held for the retry) and, pipelined, the next request.
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            rest.writeBytes(java.util.Arrays.copyOfRange(body, 80_000, body.length));
            rest.writeBytes("GET /next HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            client.send(rest.toByteArray());
            RawHttpResponse put = client.readResponse();
            assertThat(put.status()).isEqualTo(200);
            assertThat(put.header("X-Backend")).isEqualTo("good");
            assertThat(good.requests().stream().filter(r -> r.path().equals("/upload")).findFirst().orElseThrow()
                    .bodySha256()).isEqualTo(sha256(body));
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(busy.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void requestFailingWhileItsRetryIsQueued_leavesTheQueue() throws Exception {
        try (StubBackend bad = StubBackend.start("bad", closeAfterBody(1000));
             StubBackend good = StubBackend.start("good");
             TestNode node = oneSlotNode(RetryConfig.DEFAULTS, bad.address(), good.address());
             RawHttpClient busy = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            // As above: the busy GET holds the good backend's one slot, the PUT meets the bad one.
            busy.send("GET /delay/3000 HTTP/1.1\r\nHost: x\r\n\r\n");
            good.awaitRequests(1, Duration.ofSeconds(5));
            client.send("PUT /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n"
                    + "a".repeat(1000) + "\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> web(node).admission().queueLength() == 1);
            // A malformed chunk while the retry waits: the request is answered at once...
            client.send("zz\r\n");
            assertThat(client.readResponse().status()).isEqualTo(400);
            // ...and gives its place in the queue back, rather than holding it until a slot frees.
            await().atMost(Duration.ofSeconds(1)).until(() -> web(node).admission().queueLength() == 0);
            assertThat(busy.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void http10RequestWithoutHost_retried_namesTheBackendItWentTo() throws Exception {
        String closed = closedPort();
        try (StubBackend good = StubBackend.start("good");
             TestNode node = node(RetryConfig.DEFAULTS, closed, good.address())) {
            for (int i = 0; i < 2; i++) {
                try (RawHttpClient client = RawHttpClient.connect(node.port())) {
                    client.send("GET /headers HTTP/1.0\r\n\r\n");
                    RawHttpResponse r = client.readResponse();
                    assertThat(r.status()).isEqualTo(200);
                    // Without a Host from the client, the proxy names the backend; after a retry, the one it went to.
                    assertThat(r.bodyText()).contains("\"" + good.address() + "\"").doesNotContain(closed);
                }
            }
            assertThat(web(node).retries()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void retryWaitingInTheQueue_isBoundedByTheDeadline() throws Exception {
        try (StubBackend good = StubBackend.start("good");
             StubBackend hang = StubBackend.start("hang", StubBehaviors.hang());
             TestNode node = oneSlotNode(retries(List.of(), Duration.ofMillis(300), Duration.ofMillis(600), 65536),
                     good.address(), hang.address());
             RawHttpClient busy = RawHttpClient.connect(node.port());
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            // A download the client does not read holds the good backend's one slot; its response
            // head came at once, so no deadline applies to it.
            busy.send("GET /download?bytes=50000000 HTTP/1.1\r\nHost: x\r\n\r\n");
            good.awaitRequests(1, Duration.ofSeconds(5));
            long start = System.nanoTime();
            // The GET meets the hanging backend, times out after 300 ms, and its retry queues for
            // the good one: it must not wait there past the 600 ms deadline (the queue allows 5 s).
            client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.status()).isEqualTo(504);
            assertThat(took).isLessThan(Duration.ofMillis(2000));
            assertThat(hang.requestsStarted()).isEqualTo(1);
            assertThat(good.requestsStarted()).isEqualTo(1);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
