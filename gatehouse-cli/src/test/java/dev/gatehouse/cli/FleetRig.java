package dev.gatehouse.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.StubBackend;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the fleet tests with node processes share: a node's config (pool {@code web} on version
 * v1's backends, an optional pool {@code assets} served when stale), deploys through the admin
 * API, and the merged per-request log's checks. Every time is {@link System#nanoTime()} of this JVM,
 * where all the clients run.
 */
final class FleetRig {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private FleetRig() {
    }

    /**
     * Writes a node's config.
     *
     * @param assets a backend for pool {@code assets} (routed under /assets/, listed in
     *               {@code serve_when_stale}), or null for none
     */
    static Path config(Path dir, String fleet, String node, List<String> endpoints, List<StubBackend> v1, StubBackend assets)
            throws Exception {
        return config(dir, fleet, node, endpoints, v1, assets, "");
    }

    /** Like the other, with {@code webExtra} added to pool web's section (a health check, say). */
    static Path config(Path dir, String fleet, String node, List<String> endpoints, List<StubBackend> v1, StubBackend assets,
                       String webExtra) throws Exception {
        Path nodeDir = Files.createDirectories(dir.resolve(fleet + "-" + node));
        StringBuilder backends = new StringBuilder();
        for (StubBackend b : v1) {
            backends.append("      - { address: \"").append(b.address()).append("\", version: v1 }\n");
        }
        String assetsRoute = assets == null ? "" : "      - { path_prefix: /assets/, pool: assets }\n";
        String assetsPool = assets == null ? "" : "  assets:\n    backends:\n      - { address: \"" + assets.address() + "\" }\n";
        String whenStale = assets == null ? "" : "  serve_when_stale: [ assets ]\n";
        return Files.writeString(nodeDir.resolve("gatehouse.yaml"), """
                listeners:
                  - bind: 127.0.0.1:0
                    routes:
                %s      - { path_prefix: /, pool: web }
                admin:
                  bind: 127.0.0.1:0
                pools:
                  web:
                    strategy: round-robin
                %s    backends:
                %s
                %saccess_log: { enabled: true }
                fleet:
                  name: %s
                  node: %s
                  endpoints: [ %s ]
                  timeout: 2s
                %s""".formatted(assetsRoute, webExtra.isEmpty() ? "" : "    " + webExtra + "\n", backends.toString().stripTrailing(), assetsPool, fleet, node,
                String.join(", ", endpoints.stream().map(e -> "\"" + e + "\"").toList()), whenStale));
    }

    /** The config with the fleet's {@code stale_after} set (the fleet section ends the file). */
    static Path withStaleAfter(Path config, String staleAfter) throws Exception {
        return Files.writeString(config, "  stale_after: " + staleAfter + "\n", java.nio.file.StandardOpenOption.APPEND);
    }

    /** Whether the node says it is current (it serves strict pools only then). */
    static boolean healthy(NodeProcess node) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.awaitAdminPort() + "/api/v1/health"))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /** Starts a strict deploy of {@code version} on {@code backends} through a node's admin API. */
    static HttpResponse<String> deploy(int adminPort, String version, List<StubBackend> backends, String holdTimeout)
            throws Exception {
        String list = String.join(", ", backends.stream().map(b -> "\"" + b.address() + "\"").toList());
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/v1/pools/web/deploy"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\", \"backends\": [" + list
                        + "], \"mode\": \"strict\", \"hold_timeout\": \"" + holdTimeout + "\", \"drain_timeout\": \"5s\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Starts a fast deploy with a readiness gate timeout. */
    static HttpResponse<String> deployWithGate(int adminPort, String version, List<StubBackend> backends, String gateTimeout)
            throws Exception {
        String list = String.join(", ", backends.stream().map(b -> "\"" + b.address() + "\"").toList());
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/api/v1/pools/web/deploy"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"version\": \"" + version + "\", \"backends\": [" + list
                        + "], \"gate_timeout\": \"" + gateTimeout + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The deploy of pool web as a node shows it (its phase, its reason). */
    static JsonNode deployStatus(int adminPort) throws Exception {
        return JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                + "/api/v1/pools/web/deploy")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** The first answer from a version in any load, on the clients' clock; -1 when none. */
    static long firstAnswerOf(List<ContinuousLoad> loads, String version) {
        return loads.stream().flatMap(l -> l.samples().stream())
                .filter(s -> s.backend() != null && s.backend().startsWith(version))
                .mapToLong(ContinuousLoad.Sample::answeredNanos).min().orElse(-1);
    }

    /** Answers by {@code version} to requests sent after {@code after}, in every load. */
    static List<ContinuousLoad.Sample> answersSentAfter(List<ContinuousLoad> loads, String version, long after) {
        return loads.stream().flatMap(l -> l.samples().stream())
                .filter(s -> s.backend() != null && s.backend().startsWith(version) && s.sentNanos() > after).toList();
    }

    /**
     * When each node first showed pool web at an epoch of at least {@code epoch} in its
     * {@code GET /api/v1/node}, polled every few milliseconds by one thread per node until closed.
     */
    static final class EpochWatch implements AutoCloseable {
        final Map<Integer, Long> firstAt = new ConcurrentHashMap<>();
        private final List<Thread> pollers = new java.util.ArrayList<>();
        private volatile boolean running = true;

        EpochWatch(List<Integer> adminPorts, long epoch) {
            for (int i = 0; i < adminPorts.size(); i++) {
                int index = i;
                HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPorts.get(i) + "/api/v1/node")).build();
                Thread t = Thread.ofPlatform().daemon().name("epoch-watch-" + i).start(() -> {
                    while (running && !firstAt.containsKey(index)) {
                        try {
                            String body = HTTP.send(get, HttpResponse.BodyHandlers.ofString()).body();
                            if (JSON.readTree(body).path("pools").path("web").path("epoch").asLong() >= epoch) {
                                firstAt.put(index, System.nanoTime());
                            }
                            // A poll, not a wait on an event: the node has no push for its epoch.
                            java.util.concurrent.locks.LockSupport.parkNanos(3_000_000L);
                        } catch (java.io.IOException e) {
                            // the node is busy or gone: poll again
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                pollers.add(t);
            }
        }

        /** When node {@code index} showed the epoch; fails if it never did. */
        long at(int index) {
            Long t = firstAt.get(index);
            assertThat(t).as("node " + index + " showed the new epoch").isNotNull();
            return t;
        }

        @Override
        public void close() {
            running = false;
            pollers.forEach(Thread::interrupt);
        }
    }

    /**
     * Waits for {@code more} answers on every load, stops them, and checks that none failed (or,
     * with {@code staleMayRefuse}, that every failure is a 503, which a node answers while it is
     * stale for a moment on a busy machine) and that no old-version (v1) answer went to a request
     * sent after the first v2 answer, if any.
     */
    static void awaitMoreThenCheck(List<ContinuousLoad> loads, int more, java.time.Duration wait, boolean staleMayRefuse) {
        for (ContinuousLoad l : loads) {
            long target = l.completed() + more;
            org.awaitility.Awaitility.await().atMost(wait).until(() -> l.completed() >= target);
        }
        List<String> failures = loads.stream().flatMap(l -> l.stop().stream()).toList();
        if (staleMayRefuse) {
            assertThat(failures).allSatisfy(f -> assertThat(f).contains("status 503"));
        } else {
            assertThat(failures).isEmpty();
        }
        long first = firstAnswerOf(loads, "v2");
        if (first > 0) {
            assertThat(answersSentAfter(loads, "v1", first)).as("old-version answers to requests sent after the first new one")
                    .isEmpty();
        }
    }

    /** The times at which the fleet's state key first showed pool web's cutover in each phase, and its last value. */
    static final class CutoverClock implements AutoCloseable {
        final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
        volatile JsonNode last;
        private final Client client;
        private final Watch.Watcher watcher;

        CutoverClock(List<String> endpoints, String fleet) {
            client = Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
            ByteSequence key = ByteSequence.from("/gatehouse/fleets/" + fleet + "/state", UTF_8);
            watcher = client.getWatchClient().watch(key, WatchOption.DEFAULT, Watch.listener(r -> {
                long now = System.nanoTime();
                r.getEvents().forEach(e -> {
                    try {
                        JsonNode c = JSON.readTree(e.getKeyValue().getValue().getBytes()).path("state").path("cutovers").path("web");
                        if (!c.isMissingNode()) {
                            last = c;
                            firstSeen.putIfAbsent(c.path("phase").asText(), now);
                        }
                    } catch (java.io.IOException ignored) {
                        // a value this test wrote on purpose
                    }
                });
            }));
        }

        long at(String phase) {
            Long t = firstSeen.get(phase);
            assertThat(t).as("the cutover was " + phase + " in etcd (seen: " + firstSeen.keySet() + ")").isNotNull();
            return t;
        }

        /** Whether the cutover ended (released or aborted). */
        boolean ended() {
            return firstSeen.containsKey("released") || firstSeen.containsKey("aborted");
        }

        @Override
        public void close() {
            watcher.close();
            client.close();
        }
    }
}
