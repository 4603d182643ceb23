package dev.gatehouse.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBehavior;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A pool's live version changing under load: backends of another version are registered but idle
 * until the cutover; fast switches at once; strict holds new requests until the old version is
 * idle, so the two versions never run at the same time.
 */
final class CutoverIT {

    private static final HealthConfig NO_SLOW_START = new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS);

    /** What a backend saw: a request of a version starting or ending, by the nanosecond clock. */
    private record Event(String version, boolean start, long nanos) {
    }

    /** Answers after 20 ms with its version in the body, logging when each request starts and ends. */
    private static StubBehavior versioned(String version, List<Event> events) {
        return ex -> {
            events.add(new Event(version, true, System.nanoTime()));
            ex.eventLoop().schedule(() -> ex.discardBody(() -> ex.respond(HttpResponseStatus.OK, "text/plain", version)
                    .addListener(f -> events.add(new Event(version, false, System.nanoTime())))), 20, TimeUnit.MILLISECONDS);
        };
    }

    private static void addVersion(TestNode node, String version, StubBackend... backends) throws Exception {
        ControlPlane control = node.server().control();
        for (StubBackend b : backends) {
            control.change("test", "add " + b.address(),
                    s -> RuntimeChanges.add(s, control.config(), "web", HostPort.parse(b.address()), 1, version));
        }
    }

    @Test
    void registeredVersion_isIdleUntilTheCutover_fastSwitchesAtOnce() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        try (StubBackend a1 = StubBackend.start("a1", versioned("v1", events));
             StubBackend b1 = StubBackend.start("b1", versioned("v2", events));
             TestNode node = TestNode.builder().backend(a1.address()).health("web", NO_SLOW_START).accessLog(false).start();
             RawHttpClient client = RawHttpClient.connect(node.port())) {
            // The config file declares v1: it is live (epoch 0); v2 registers beside it, idle.
            addVersion(node, "v2", b1);
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            assertThat(web.liveVersion()).isEqualTo("v1");
            assertThat(web.epoch()).isZero();
            for (int i = 0; i < 10; i++) {
                RawHttpResponse r = get(client);
                assertThat(r.bodyText()).isEqualTo("v1");
                assertThat(r.header("X-Gatehouse-Epoch")).as("no header before any cutover").isNull();
            }

            node.server().control().cutover("test", "web", "v2", false, Duration.ofSeconds(5));

            web = node.server().snapshots().current().pool("web");
            assertThat(web.liveVersion()).isEqualTo("v2");
            assertThat(web.epoch()).isEqualTo(1);
            assertThat(web.versions().previous()).isEqualTo("v1");
            for (int i = 0; i < 10; i++) {
                RawHttpResponse r = get(client);
                assertThat(r.bodyText()).isEqualTo("v2");
                assertThat(r.header("X-Gatehouse-Epoch")).isEqualTo("1");
            }
            // Going back (a rollback) is another cutover, to the previous version, at the next epoch.
            node.server().control().cutover("test", "web", "v1", false, Duration.ofSeconds(5));
            assertThat(node.server().snapshots().current().pool("web").epoch()).isEqualTo(2);
            assertThat(get(client).bodyText()).isEqualTo("v1");
        }
    }

    @Test
    void strictCutoverUnderLoad_theVersionsNeverRunAtTheSameTime_andNothingFails() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        try (StubBackend a1 = StubBackend.start("a1", versioned("v1", events));
             StubBackend a2 = StubBackend.start("a2", versioned("v1", events));
             StubBackend b1 = StubBackend.start("b1", versioned("v2", events));
             StubBackend b2 = StubBackend.start("b2", versioned("v2", events));
             TestNode node = TestNode.builder().backend(a1.address()).backend(a2.address()).health("web", NO_SLOW_START)
                     .accessLog(false).start()) {
            addVersion(node, "v2", b1, b2);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger done = new AtomicInteger();
            List<String> failures = new CopyOnWriteArrayList<>();
            List<String> versionsSeen = new CopyOnWriteArrayList<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                Thread c = new Thread(() -> load(node.port(), stop, done, failures, versionsSeen), "client-" + t);
                c.start();
                clients.add(c);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> done.get() >= 100);

            node.server().control().cutover("test", "web", "v2", true, Duration.ofSeconds(5));
            int atCutover = done.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> done.get() >= atCutover + 100);
            stop.set(true);
            for (Thread c : clients) {
                c.join(10_000);
            }

            assertThat(failures).isEmpty();
            long firstNewStart = events.stream().filter(e -> e.version().equals("v2") && e.start())
                    .mapToLong(Event::nanos).min().orElseThrow();
            // No v1 request started, or was still running, once the first v2 request had started.
            assertThat(events.stream().filter(e -> e.version().equals("v1")))
                    .allSatisfy(e -> assertThat(e.nanos()).isLessThanOrEqualTo(firstNewStart));
            assertThat(versionsSeen).contains("v1", "v2");
            assertThat(events.stream().filter(e -> e.version().equals("v2") && !e.start()).count()).isGreaterThan(50);
            assertThat(node.server().snapshots().current().pool("web").admission().holding()).isFalse();
        }
    }

    @Test
    void strictCutover_whoseOldRequestsDoNotFinish_abortsAndChangesNothing() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        StubBehavior slowV1 = ex -> ex.eventLoop().schedule(() -> ex.discardBody(
                () -> ex.respond(HttpResponseStatus.OK, "text/plain", "v1")), 2, TimeUnit.SECONDS);
        try (StubBackend a1 = StubBackend.start("a1", slowV1);
             StubBackend b1 = StubBackend.start("b1", versioned("v2", events));
             TestNode node = TestNode.builder().backend(a1.address()).health("web", NO_SLOW_START).accessLog(false).start();
             RawHttpClient slow = RawHttpClient.connect(node.port());
             RawHttpClient held = RawHttpClient.connect(node.port())) {
            addVersion(node, "v2", b1);
            slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            // requestsStarted counts heads as they arrive (requests are recorded once their body is read).
            await().atMost(Duration.ofSeconds(5)).until(() -> a1.requestsStarted() == 1);
            java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            Thread cutover = new Thread(() -> {
                try {
                    node.server().control().cutover("test", "web", "v2", true, Duration.ofMillis(300));
                    outcome.set(new AssertionError("the cutover went through"));
                } catch (Throwable t) {
                    outcome.set(t);
                }
            });
            cutover.start();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    node.server().snapshots().current().pool("web").admission().holding());
            // A request arriving during the hold waits, then goes to v1 when the cutover gives up.
            held.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
            cutover.join(10_000);
            assertThat(outcome.get()).isInstanceOf(ChangeRejected.class).hasMessageContaining("hold timed out");
            RawHttpResponse r = held.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("v1");
            assertThat(slow.readResponse().bodyText()).isEqualTo("v1");
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            assertThat(web.liveVersion()).isEqualTo("v1");
            assertThat(web.epoch()).isZero();
            assertThat(events).isEmpty();
        }
    }

    @Test
    void strictCutover_interruptedDuringTheHold_abortsAtOnceAndChangesNothing() throws Exception {
        StubBehavior slowV1 = ex -> ex.eventLoop().schedule(() -> ex.discardBody(
                () -> ex.respond(HttpResponseStatus.OK, "text/plain", "v1")), 1500, TimeUnit.MILLISECONDS);
        try (StubBackend a1 = StubBackend.start("a1", slowV1);
             StubBackend b1 = StubBackend.start("b1");
             TestNode node = TestNode.builder().backend(a1.address()).health("web", NO_SLOW_START).accessLog(false).start();
             RawHttpClient slow = RawHttpClient.connect(node.port());
             RawHttpClient held = RawHttpClient.connect(node.port())) {
            addVersion(node, "v2", b1);
            slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> a1.requestsStarted() == 1);
            java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
            Thread cutover = new Thread(() -> {
                try {
                    node.server().control().cutover("test", "web", "v2", true, Duration.ofSeconds(30));
                    outcome.complete(new AssertionError("the cutover went through"));
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            cutover.start();
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    node.server().snapshots().current().pool("web").admission().holding());
            held.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    node.server().snapshots().current().pool("web").admission().queueLength() == 1);

            cutover.interrupt();

            // At once, not after the 30 s hold timeout; the held request goes to v1.
            assertThat(outcome.get(1, TimeUnit.SECONDS)).isInstanceOf(ChangeRejected.class)
                    .hasMessageContaining("the hold was interrupted");
            assertThat(held.readResponse().bodyText()).isEqualTo("v1");
            assertThat(slow.readResponse().bodyText()).isEqualTo("v1");
            PoolSnapshot web = node.server().snapshots().current().pool("web");
            assertThat(web.liveVersion()).isEqualTo("v1");
            assertThat(web.epoch()).isZero();
            assertThat(web.admission().holding()).isFalse();
        }
    }

    private static RawHttpResponse get(RawHttpClient client) {
        client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        return client.readResponse();
    }

    private static void load(int port, AtomicBoolean stop, AtomicInteger done, List<String> failures, List<String> seen) {
        RawHttpClient client = null;
        while (!stop.get()) {
            try {
                if (client == null) {
                    client = RawHttpClient.connect(port);
                }
                RawHttpResponse r = get(client);
                if (r.status() != 200) {
                    failures.add("status " + r.status() + ": " + r.bodyText());
                } else {
                    seen.add(r.bodyText());
                }
                done.incrementAndGet();
            } catch (RuntimeException e) {
                failures.add("client error: " + e);
                client = null;
            }
        }
        if (client != null) {
            client.close();
        }
    }
}
