package dev.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.fail;

import dev.gatehouse.core.config.AppConfig;
import dev.gatehouse.core.config.CommandTemplate;
import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.PortRange;
import dev.gatehouse.core.config.RestartConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPhase;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.supervisor.AppInstance;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.WebSocketClose;
import dev.gatehouse.testing.WebSocketMessage;
import dev.gatehouse.testing.WebSocketTestClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Tornado example app ({@code examples/tornado-app/app.py}, real Python processes) supervised
 * and deployed by a node: a WebSocket through the node echoes text and binary messages, and a
 * strict deploy under plain HTTP load ends the held WebSocket with 1012 (Service Restart) while no
 * HTTP request fails; a new WebSocket then reaches the new version.
 *
 * <p>Needs Debian's python3-tornado for {@code /usr/bin/python3}; fails with that reason when it
 * cannot be imported (not skipped: .ci/run and bin/test install it, so a missing one is a broken
 * machine).
 */
final class TornadoWebSocketIT {

    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Two instances per version rather than the example's four: the same behaviour, half the processes on a shared CI machine. */
    private static final int INSTANCES = 2;

    @TempDir
    Path dir;

    @BeforeAll
    static void tornadoIsInstalled() throws InterruptedException {
        if (!tornadoImports()) {
            fail(PYTHON + " -c 'import tornado' failed: the Tornado app needs Debian's python3-tornado"
                    + " (apt-get install python3-tornado; .ci/run and bin/test install it when missing)");
        }
    }

    private static boolean tornadoImports() throws InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(PYTHON, "-c", "import tornado").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false; // no /usr/bin/python3 at all
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }

    /** The example app, found from the module directory the test runs in (or the repository root). */
    private static Path appScript() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path app = d.resolve("examples/tornado-app/app.py");
            if (Files.isRegularFile(app)) {
                return app;
            }
        }
        throw new IllegalStateException("examples/tornado-app/app.py not found above " + Path.of("").toAbsolutePath());
    }

    /** {@code size} consecutive ports that are free now, below the kernel's ephemeral range. */
    private static PortRange freePorts(int size) {
        int start = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
        for (int from = start; from + size <= 32_000; from += size) {
            int first = from;
            if (IntStream.range(first, first + size).allMatch(TornadoWebSocketIT::free)) {
                return new PortRange(first, first + size - 1);
            }
        }
        throw new IllegalStateException("no " + size + " free consecutive ports from " + start + " to 32000");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static DeployPlan plan(String from, String to, DeployMode mode) {
        return new DeployPlan("web", from, to, mode, INSTANCES, INSTANCES, 0, Duration.ofSeconds(20), Duration.ofSeconds(10),
                Duration.ofSeconds(10));
    }

    /** Starts a deploy the way the admin API does and waits for its end. */
    private static DeployPhase deploy(TestNode node, DeployPlan plan) {
        Deploys deploys = node.server().deploys();
        deploys.start("test", plan, List.of());
        await().atMost(Duration.ofSeconds(40)).until(() -> !deploys.status("web").running());
        return deploys.status("web").phase();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void strictDeploy_closesTheHeldWebSocketWith1012_reconnectsToV2_andNoHttpRequestFails() throws Exception {
        String command = PYTHON + " \"" + appScript() + "\" --port {port} --version {version} --startup-ms 300";
        AppConfig web = new AppConfig("web", CommandTemplate.parse(command), INSTANCES, freePorts(4 * INSTANCES), null,
                Map.of(), Duration.ofSeconds(5),
                new RestartConfig(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                dir.resolve("logs").toString());
        HealthCheckConfig d = HealthCheckConfig.DEFAULTS;
        HealthConfig checked = new HealthConfig(new HealthCheckConfig(d.type(), "/health", d.method(), null, 200, 399, null,
                Duration.ofMillis(200), Duration.ofMillis(200), Duration.ZERO, 1, 2), null, SlowStartConfig.OFF,
                PanicConfig.DEFAULTS);
        TunnelsConfig closeAfterOneSecond = new TunnelsConfig(TunnelsConfig.OnCutover.CLOSE, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofHours(1), false);
        List<Long> pids = new ArrayList<>();
        try (TestNode node = TestNode.builder().apps(Map.of("web", web)).health("web", checked)
                .tunnels("web", closeAfterOneSecond).accessLog(false).start()) {
            assertThat(deploy(node, plan("", "v1", DeployMode.FAST))).isInstanceOf(DeployPhase.Done.class);

            WebSocketTestClient held = WebSocketTestClient.connect(node.port(), "/ws");
            try {
                assertThat(held.handshakeStatus()).isEqualTo(101);
                assertThat(held.handshakeHeader("X-App-Version")).isEqualTo("v1");
                held.sendText("hello through the node");
                WebSocketMessage text = held.awaitMessage(WAIT);
                assertThat(text.type()).isEqualTo(WebSocketMessage.Type.TEXT);
                assertThat(text.text()).isEqualTo("hello through the node");
                byte[] bytes = new byte[100_000];
                ThreadLocalRandom.current().nextBytes(bytes);
                held.sendBinary(bytes);
                WebSocketMessage binary = held.awaitMessage(WAIT);
                assertThat(binary.type()).isEqualTo(WebSocketMessage.Type.BINARY);
                assertThat(binary.data()).isEqualTo(bytes);

                try (VersionLoad load = VersionLoad.start(node.port(), 3)) {
                    load.awaitAnswers(50);
                    pids.addAll(node.server().supervisor().instances("web").stream().map(AppInstance::pid).toList());

                    // Deploys runs the deploy on a thread of its own, as for the admin API.
                    Deploys deploys = node.server().deploys();
                    long deployStarted = System.nanoTime();
                    deploys.start("test", plan("v1", "v2", DeployMode.STRICT), List.of());

                    // The cutover, the pool's 1 s grace, then the sweep's Close with 1012, answered by the client.
                    WebSocketClose close = held.awaitClose(Duration.ofSeconds(20));
                    assertThat(close.code()).isEqualTo(1012);
                    assertThat(close.closeFrameReceived()).isTrue();
                    // Not before the grace: the 1012 comes at least 1 s after the cutover, itself after the start.
                    assertThat(Duration.ofNanos(System.nanoTime() - deployStarted)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));

                    await().atMost(Duration.ofSeconds(40)).until(() -> !deploys.status("web").running());
                    assertThat(deploys.status("web").phase()).isInstanceOf(DeployPhase.Done.class);
                    long deployEnded = System.nanoTime();
                    pids.addAll(node.server().supervisor().instances("web").stream().map(AppInstance::pid).toList());

                    // The client comes back, and the new connection is with v2.
                    try (WebSocketTestClient again = WebSocketTestClient.connect(node.port(), "/ws")) {
                        assertThat(again.handshakeHeader("X-App-Version")).isEqualTo("v2");
                        again.sendText("hello again");
                        assertThat(again.awaitMessage(WAIT).text()).isEqualTo("hello again");
                        again.sendClose(1000, "done");
                        assertThat(again.awaitClose(WAIT).code()).isEqualTo(1000);
                    }
                    assertThat(RawHttpResponse.get(node.port(), "/version").bodyText().strip()).isEqualTo("v2");

                    load.awaitAnswers(load.answers() + 50);
                    List<Answer> answers = load.stop();
                    String counts = answers.stream().collect(Collectors.groupingBy(Answer::version, TreeMap::new,
                            Collectors.counting())) + " answered, "
                            + load.failures().size() + " failed";
                    assertThat(load.failures()).as("HTTP requests that failed during the deploy (%s)", counts).isEmpty();
                    assertThat(answers).extracting(Answer::version).contains("v1", "v2").containsOnly("v1", "v2");
                    // Strict: no v1 request was sent after a v2 response had come back.
                    long lastV1Sent = answers.stream().filter(a -> a.version().equals("v1")).mapToLong(Answer::sent).max()
                            .orElseThrow();
                    long firstV2Read = answers.stream().filter(a -> a.version().equals("v2")).mapToLong(Answer::read).min()
                            .orElseThrow();
                    assertThat(lastV1Sent).isLessThan(firstV2Read);
                    assertThat(answers).filteredOn(a -> a.sent() > deployEnded).isNotEmpty()
                            .extracting(Answer::version).containsOnly("v2");
                }
            } finally {
                held.close();
            }
            // The deploy retired v1: its processes are gone, and v2's are the ones with a process.
            await().atMost(Duration.ofSeconds(15)).until(() -> node.server().supervisor().instances("web").stream()
                    .filter(i -> i.version().equals("v1"))
                    .noneMatch(i -> ProcessHandle.of(i.pid()).map(ProcessHandle::isAlive).orElse(false)));
            assertThat(node.server().supervisor().instances("web")).filteredOn(i -> i.state().hasProcess())
                    .extracting(AppInstance::version).hasSize(INSTANCES).containsOnly("v2");
        }
        // The node stopped its app processes, old and new.
        await().atMost(Duration.ofSeconds(15)).until(() -> pids.stream()
                .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    /** One answer to {@code GET /version}: when it was sent and read ({@link System#nanoTime()}) and the version. */
    record Answer(long sent, long read, String version) {
    }

    /**
     * Plain HTTP load: a few threads, each sending {@code GET /version} one after the other on its
     * own keep-alive connection until stopped. Anything but a 200 naming a version, or a client
     * error, is a failure; after one, the thread connects again.
     */
    private static final class VersionLoad implements AutoCloseable {

        private final int port;
        private final List<Thread> threads = new ArrayList<>();
        private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private final AtomicLong count = new AtomicLong();
        private volatile boolean running = true;

        private VersionLoad(int port) {
            this.port = port;
        }

        static VersionLoad start(int port, int clients) {
            VersionLoad load = new VersionLoad(port);
            for (int i = 0; i < clients; i++) {
                load.threads.add(Thread.ofPlatform().daemon().name("version-load-" + i).start(load::run));
            }
            return load;
        }

        private void run() {
            RawHttpClient client = null;
            while (running) {
                long sent = System.nanoTime();
                try {
                    if (client == null) {
                        client = RawHttpClient.connect(port);
                    }
                    RawHttpResponse r = client.send("GET /version HTTP/1.1\r\nHost: load\r\n\r\n").readResponse();
                    String version = r.bodyText().strip();
                    if (r.status() != 200 || !version.equals(r.header("X-App-Version"))) {
                        failures.add("status " + r.status() + ", version header " + r.header("X-App-Version") + ": " + r.bodyText());
                    } else {
                        answers.add(new Answer(sent, System.nanoTime(), version));
                    }
                    if ("close".equalsIgnoreCase(r.header("Connection"))) {
                        failures.add("a response asked to close the connection");
                        client.close();
                        client = null;
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                    if (client != null) {
                        client.close();
                        client = null;
                    }
                }
                count.incrementAndGet();
            }
            if (client != null) {
                client.close();
            }
        }

        long answers() {
            return count.get();
        }

        void awaitAnswers(long n) {
            await().atMost(Duration.ofSeconds(20)).until(() -> count.get() >= n || !failures.isEmpty());
            assertThat(failures).isEmpty();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        /** Stops the threads and returns the answers, in no particular order. */
        List<Answer> stop() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join(RawHttpClient.DEFAULT_TIMEOUT.plusSeconds(5).toMillis());
            }
            return List.copyOf(answers);
        }

        @Override
        public void close() {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
