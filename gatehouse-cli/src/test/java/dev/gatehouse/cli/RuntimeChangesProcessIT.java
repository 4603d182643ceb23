package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The control plane's acceptance test: a backend added, drained and removed with the CLI while
 * clients send continuously through a node process. No request fails, and nothing sent after the
 * drain command returned reaches the drained backend.
 */
final class RuntimeChangesProcessIT {

    @TempDir
    Path dir;

    private final StringWriter cliOut = new StringWriter();

    private int cli(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(cliOut, true));
        cl.setErr(new PrintWriter(cliOut, true));
        return cl.execute(args);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void addDrainRemoveThroughTheCli_underContinuousLoad_failsNothing() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             StubBackend c = StubBackend.start("c")) {
            int adminPort = freePort();
            String admin = "http://127.0.0.1:" + adminPort;
            Path config = Files.writeString(dir.resolve("gatehouse.yaml"), """
                    listeners:
                      - bind: 127.0.0.1:0
                        routes:
                          - { path_prefix: /, pool: web }
                    admin:
                      bind: 127.0.0.1:%d
                    pools:
                      web:
                        strategy: round-robin
                        backends:
                          - { address: "%s" }
                          - { address: "%s" }
                    access_log: { enabled: false }
                    """.formatted(adminPort, a.address(), b.address()));
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config", config.toString())) {
                int port = node.awaitPort();
                await().atMost(Duration.ofSeconds(30)).until(() -> cli("status", "--admin", admin) == 0);

                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger done = new AtomicInteger();
                AtomicLong ids = new AtomicLong();
                Map<String, Long> sentAt = new ConcurrentHashMap<>();
                List<String> failures = new CopyOnWriteArrayList<>();
                List<Thread> clients = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Thread th = new Thread(() -> load(port, stop, done, ids, sentAt, failures), "client-" + t);
                    th.start();
                    clients.add(th);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= 200);

                assertThat(cli("backend", "add", "--admin", admin, "--pool", "web", "--address", c.address()))
                        .as(cliOut.toString()).isZero();
                await().atMost(Duration.ofSeconds(30)).until(() -> c.requests().size() >= 20);

                assertThat(cli("backend", "drain", "--admin", admin, "--pool", "web", "--address", a.address()))
                        .as(cliOut.toString()).isZero();
                long drainReturned = System.nanoTime();
                int afterDrain = done.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= afterDrain + 300);

                assertThat(cli("backend", "remove", "--admin", admin, "--pool", "web", "--address", a.address()))
                        .as(cliOut.toString()).isZero();
                int afterRemove = done.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= afterRemove + 200);
                stop.set(true);
                for (Thread th : clients) {
                    th.join(10_000);
                }

                assertThat(failures).isEmpty();
                // The drained backend got nothing that a client sent after the drain command returned.
                for (RecordedRequest r : a.requests()) {
                    Long sent = sentAt.get(r.header("X-Request-Id"));
                    assertThat(sent).as("request %s", r.header("X-Request-Id")).isNotNull();
                    assertThat(sent).as("sent before the drain returned").isLessThan(drainReturned);
                }
                assertThat(b.requests()).isNotEmpty();
                // c joined a running pool: it ramps up (slow start), so its share is still small here.
                assertThat(c.requests().size()).isGreaterThanOrEqualTo(20);
                assertThat(cli("status", "--admin", admin)).isZero();
                assertThat(cliOut.toString()).contains(c.address());
            }
        }
    }

    /** One client on a keep-alive connection; records when each request id was sent. */
    private static void load(int port, AtomicBoolean stop, AtomicInteger done, AtomicLong ids, Map<String, Long> sentAt,
                             List<String> failures) {
        RawHttpClient client = null;
        while (!stop.get()) {
            String id = "load-" + ids.incrementAndGet();
            try {
                if (client == null) {
                    client = RawHttpClient.connect(port);
                }
                sentAt.put(id, System.nanoTime());
                client.send("GET /x HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + id + "\r\n\r\n");
                RawHttpResponse r = client.readResponse();
                if (r.status() != 200) {
                    failures.add(id + ": status " + r.status() + " " + r.bodyText());
                }
                done.incrementAndGet();
            } catch (RuntimeException e) {
                failures.add(id + ": " + e);
                client = null;
            }
        }
        if (client != null) {
            client.close();
        }
    }
}
