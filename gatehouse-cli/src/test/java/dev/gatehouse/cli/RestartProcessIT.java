package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hitless restart of the packaged executable, as an operator does it: SIGUSR2 or
 * {@code gatehouse restart} under load from keep-alive clients and from clients that open a
 * connection per request: no failed request, no refused connection; a request in flight finishes
 * on the old process; a new process that cannot start leaves the old one serving and says why.
 */
final class RestartProcessIT {

    private static final Pattern NEW_PROCESS = Pattern.compile("restart: new process (\\d+) serves");

    @TempDir
    Path dir;

    private long lastPid = -1;

    @AfterEach
    void killLeftovers() {
        if (lastPid > 0) {
            ProcessHandle.of(lastPid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> {
                    p.destroyForcibly();
                    return null;
                }).join();
            });
        }
    }

    private Path config(StubBackend backend, int port, int adminPort) throws Exception {
        return Files.writeString(dir.resolve("g.yaml"), """
                listeners:
                  - bind: 127.0.0.1:%d
                    routes: [ { path_prefix: /, pool: web } ]
                admin: { bind: "127.0.0.1:%d" }
                access_log: { enabled: false }
                pools:
                  web:
                    backends: [ "%s" ]
                """.formatted(port, adminPort, backend.address()));
    }

    private static int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, String.valueOf(pid)).inheritIO().start().waitFor()).isZero();
    }

    /** Waits for the log line of the n-th restart that succeeded and returns the new pid. */
    private static long awaitNewProcess(NodeProcess node, int nth) {
        long[] pid = {-1};
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Matcher m = NEW_PROCESS.matcher(node.stderr());
            for (int i = 0; i < nth; i++) {
                if (!m.find()) {
                    return false;
                }
            }
            pid[0] = Long.parseLong(m.group(1));
            return true;
        });
        return pid[0];
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        int code = cl.execute(args);
        return code + " " + out;
    }

    @Test
    void sigusr2ThenTheRestartCommand_underLoad_noFailedRequestAndNoRefusedConnection() throws Exception {
        // /held answers only once the old process has handed over: a request in flight across it.
        java.util.concurrent.CompletableFuture<Void> handedOver = new java.util.concurrent.CompletableFuture<>();
        dev.gatehouse.testing.StubBehavior standard = dev.gatehouse.testing.StubBehaviors.standard("a");
        dev.gatehouse.testing.StubBehavior behavior = ex -> {
            if (ex.path().equals("/held")) {
                ex.discardBody(() -> handedOver.thenRun(() -> ex.eventLoop().execute(() ->
                        ex.respond(io.netty.handler.codec.http.HttpResponseStatus.OK, "text/plain", "held\n"))));
            } else {
                standard.handle(ex);
            }
        };
        try (StubBackend backend = StubBackend.start("a", behavior)) {
            int port = freePort();
            int adminPort = freePort();
            Path config = config(backend, port, adminPort);
            try (NodeProcess node = NodeProcess.start(dir, List.of("-Xmx96m"), "run", "--config", config.toString())) {
                node.awaitPort();
                await().atMost(Duration.ofSeconds(10)).until(() -> node.stderr().contains("runtime state"));
                long first = node.pid();
                try (RestartLoad load = RestartLoad.start(port, 4, 4);
                     RawHttpClient slow = RawHttpClient.connect(port, Duration.ofSeconds(30))) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> load.completed() >= 300);

                    // A request in flight on the old process when it hands over: it finishes there.
                    slow.send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
                    await().atMost(Duration.ofSeconds(10)).until(() -> backend.requests().stream()
                            .anyMatch(q -> q.path().equals("/held")));
                    signal("USR2", first);
                    long second = awaitNewProcess(node, 1);
                    lastPid = second;
                    await().atMost(Duration.ofSeconds(10)).until(() -> node.stderr().contains("handed over to the new"));
                    handedOver.complete(null);
                    RawHttpResponse r = slow.readResponse();
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
                    assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).as("the old process exits").isTrue();
                    long afterFirst = load.completed();
                    await().atMost(Duration.ofSeconds(20)).until(() -> load.completed() >= afterFirst + 300);

                    // The restarted process restarts again, this time from the command line.
                    String said = cli("restart", "--admin", "http://127.0.0.1:" + adminPort);
                    assertThat(said).startsWith("0 ").contains("restart: new process ");
                    long third = Long.parseLong(said.replaceAll("(?s).*new process (\\d+).*", "$1"));
                    lastPid = third;
                    await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(second).isEmpty());
                    long afterSecond = load.completed();
                    await().atMost(Duration.ofSeconds(20)).until(() -> load.completed() >= afterSecond + 300);

                    load.close();
                    System.out.printf("restart under load: %d answers, %d connections, %d refused, %d failed,"
                                    + " %d stale keep-alive retries%n", load.completed(), load.connections(),
                            load.refused(), load.failures().size(), load.staleRetries());
                    assertThat(load.failures()).isEmpty();
                    assertThat(load.refused()).isZero();
                    assertThat(RawHttpResponse.get(port, "/").status()).isEqualTo(200);
                    assertThat(cli("status", "--admin", "http://127.0.0.1:" + adminPort)).startsWith("0 ");
                }
                assertThat(node.stderr()).contains("took over the listening sockets");
            }
        }
    }

    @Test
    void aNewProcessThatCannotStart_leavesTheOldOneServing_andSaysWhy() throws Exception {
        try (StubBackend backend = StubBackend.start("a")) {
            int port = freePort();
            int adminPort = freePort();
            Path config = config(backend, port, adminPort);
            try (NodeProcess node = NodeProcess.start(dir, List.of("-Xmx96m"), "run", "--config", config.toString())) {
                node.awaitPort();
                await().atMost(Duration.ofSeconds(10)).until(() -> node.stderr().contains("runtime state"));
                Files.writeString(config, "listeners: [ { bind: 127.0.0.1:nope } ]\n");
                try (RestartLoad load = RestartLoad.start(port, 2, 2)) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> load.completed() >= 100);
                    signal("USR2", node.pid());
                    await().atMost(Duration.ofSeconds(60)).until(() -> node.stderr().contains("restart failed"));
                    assertThat(node.stderr()).contains("did not take over").contains("listeners[0].bind")
                            .contains("this process keeps serving");
                    String said = cli("restart", "--admin", "http://127.0.0.1:" + adminPort);
                    assertThat(said).startsWith("1 ").contains("listeners[0].bind");
                    long before = load.completed();
                    await().atMost(Duration.ofSeconds(20)).until(() -> load.completed() >= before + 100);
                    load.close();
                    assertThat(load.failures()).isEmpty();
                    assertThat(load.refused()).isZero();
                }
                assertThat(node.process().isAlive()).isTrue();
                // Changes were held during the attempts and are allowed again.
                assertThat(cli("backend", "drain", "--pool", "web", "--address", backend.address().toString(), "--admin",
                        "http://127.0.0.1:" + adminPort)).startsWith("0 ");
            }
        }
    }

    @Test
    void aWebSocketOnTheOldProcess_isToldServiceRestart_andTheNextOneReachesTheNewProcess() throws Exception {
        try (dev.gatehouse.testing.WebSocketEchoBackend echo = dev.gatehouse.testing.WebSocketEchoBackend.start("ws", 0, false)) {
            int port = freePort();
            Path config = Files.writeString(dir.resolve("g.yaml"), """
                    listeners:
                      - bind: 127.0.0.1:%d
                        routes: [ { path_prefix: /, pool: ws } ]
                    admin: false
                    access_log: { enabled: false }
                    pools:
                      ws:
                        tunnels: { on_cutover: close, grace: 0s, close_timeout: 2s }
                        backends: [ "%s" ]
                    """.formatted(port, echo.address()));
            try (NodeProcess node = NodeProcess.start(dir, List.of("-Xmx96m"), "run", "--config", config.toString())) {
                node.awaitPort();
                await().atMost(Duration.ofSeconds(10)).until(() -> node.stderr().contains("runtime state"));
                try (var before = dev.gatehouse.testing.WebSocketTestClient.connect(port, "/chat")) {
                    before.sendText("before");
                    assertThat(before.awaitMessage(Duration.ofSeconds(10)).text()).isEqualTo("before");
                    signal("USR2", node.pid());
                    lastPid = awaitNewProcess(node, 1);
                    // Policy close, grace 0: at once, at a frame boundary, with "come back".
                    var close = before.awaitClose(Duration.ofSeconds(30));
                    assertThat(close.code()).isEqualTo(1012);
                    assertThat(close.closeFrameReceived()).isTrue();
                }
                assertThat(node.process().waitFor(30, TimeUnit.SECONDS)).as("the old process exits").isTrue();
                try (var after = dev.gatehouse.testing.WebSocketTestClient.connect(port, "/chat")) {
                    after.sendText("after");
                    assertThat(after.awaitMessage(Duration.ofSeconds(10)).text()).isEqualTo("after");
                }
            }
        }
    }
}
