package dev.gatehouse.server.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.AppConfig;
import dev.gatehouse.core.config.CommandTemplate;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.PortRange;
import dev.gatehouse.core.config.RestartConfig;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubBackendMain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor with real processes: stub backends in their own JVMs, and small shell commands
 * that exit at once or ignore SIGTERM.
 */
final class SupervisorIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final RestartConfig QUICK_RESTARTS =
            new RestartConfig(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private final List<Supervisor> supervisors = new ArrayList<>();

    @AfterEach
    void closeSupervisors() {
        supervisors.forEach(Supervisor::close);
    }

    private Supervisor supervisor(AppConfig... apps) {
        Map<String, AppConfig> map = new java.util.LinkedHashMap<>();
        for (AppConfig app : apps) {
            map.put(app.name(), app);
        }
        Supervisor s = Supervisor.create(map);
        supervisors.add(s);
        return s;
    }

    private AppConfig app(String name, String command, int instances, PortRange ports, Duration grace, RestartConfig restart) {
        return new AppConfig(name, CommandTemplate.parse(command), instances, ports, null, Map.of("PORT", "{port}"), grace,
                restart, dir.resolve("logs").toString());
    }

    /** A stub backend JVM answering with {@code X-Backend: <version>-<instance>}. */
    private static String stubCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return quote(java) + " -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp " + quote(System.getProperty("java.class.path"))
                + " " + StubBackendMain.class.getName() + " --port {port} --name {version}-{instance}";
    }

    private static String quote(String word) {
        return "\"" + word.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * A range of {@code size} ports that were all free a moment ago, below the usual ephemeral
     * range (32768 and up), where client connections of other programs keep taking ports.
     */
    private static PortRange freeRange(int size) {
        int first = dev.gatehouse.testing.FreePorts.range(size);
        return new PortRange(first, first + size - 1);
    }

    private Path logOf(AppInstance i) {
        return dir.resolve("logs").resolve(i.app() + "-" + i.version() + "-" + i.instance() + ".log");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static AppInstance instance(Supervisor s, String app, String version, int number) {
        return s.instances(app).stream().filter(i -> i.version().equals(version) && i.instance() == number)
                .findFirst().orElseThrow();
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void assertAnswers(AppInstance i, String name) {
        RawHttpResponse r = RawHttpResponse.get(i.address().port(), "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header(StubBackend.BACKEND_HEADER)).isEqualTo(name);
    }

    @Test
    void start_runsEveryInstanceOnItsOwnPort_restartsOneKilledOnTheSamePort_andStopsThemGracefully() throws Exception {
        Supervisor s = supervisor(app("web", stubCommand(), 3, freeRange(20), Duration.ofSeconds(20), QUICK_RESTARTS));
        List<AppInstance> events = new CopyOnWriteArrayList<>();
        s.addListener(events::add);

        List<AppInstance> started = s.start("web", "v1");

        assertThat(started).extracting(AppInstance::instance).containsExactly(1, 2, 3);
        assertThat(started).extracting(i -> i.address().port()).doesNotHaveDuplicates();
        assertThat(started).allSatisfy(i -> {
            assertThat(i.address().host()).isEqualTo("127.0.0.1");
            assertThat(i.state()).isEqualTo(InstanceState.STARTING);
            assertThat(i.pid()).isPositive();
        });
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> {
            for (AppInstance i : started) {
                assertAnswers(i, "v1-" + i.instance());
            }
        });
        await().atMost(PATIENCE).until(() -> s.instances("web").stream().allMatch(i -> i.state() == InstanceState.RUNNING));

        // kill -9, like a crash: the instance comes back on the same port, as a new process.
        AppInstance victim = started.get(1);
        ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();

        await().atMost(PATIENCE).until(() -> instance(s, "web", "v1", 2).restarts() == 1);
        await().atMost(PATIENCE).ignoreExceptions().untilAsserted(() -> assertAnswers(victim, "v1-2"));
        AppInstance back = instance(s, "web", "v1", 2);
        assertThat(back.address()).isEqualTo(victim.address());
        assertThat(back.pid()).isNotEqualTo(victim.pid()).isPositive();
        assertThat(events).filteredOn(e -> e.instance() == 2).extracting(e -> e.state().label())
                .containsSubsequence("running", "restarting", "starting");
        assertThat(events).filteredOn(e -> e.state() instanceof InstanceState.Restarting).singleElement()
                .satisfies(e -> assertThat(((InstanceState.Restarting) e.state()).lastExitCode()).isEqualTo(137));
        String log = read(logOf(victim));
        assertThat(log).contains("[gatehouse] started on port " + victim.address().port() + ", pid " + victim.pid())
                .contains("[gatehouse] exited with exit code 137 (SIGKILL)")
                .contains("[gatehouse] restarted (restart 1) on port " + victim.address().port() + ", pid " + back.pid())
                .containsPattern("(?s)started on port.*exited with.*restarted \\(restart 1\\)");

        List<Long> pids = new ArrayList<>(started.stream().map(AppInstance::pid).toList());
        pids.set(1, back.pid());
        List<AppInstance> stopped = s.stop("web", "v1").get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        assertThat(stopped).extracting(AppInstance::state)
                .containsOnly(new InstanceState.Stopped(143)); // the JVMs went on SIGTERM: no SIGKILL needed
        assertThat(pids).noneMatch(SupervisorIT::alive);
        assertThat(s.instances("web")).extracting(AppInstance::state).containsOnly(new InstanceState.Stopped(143));
        assertThat(read(logOf(started.get(0)))).contains("stopping: SIGTERM to pid " + started.get(0).pid())
                .contains("stopped: exit code 143 (SIGTERM)").doesNotContain("still running after");
    }

    @Test
    void stop_ofAProcessThatIgnoresSigterm_killsItAfterTheGrace() throws Exception {
        Duration grace = Duration.ofMillis(1500);
        Supervisor s = supervisor(app("stubborn", "sh -c \"trap '' TERM; sleep 59.7; sleep 59.7\"", 1, freeRange(4), grace,
                QUICK_RESTARTS));
        java.time.Instant startedAt = java.time.Instant.now().minusSeconds(1);
        AppInstance i = s.start("stubborn", "v1").get(0);
        await().atMost(PATIENCE).until(() -> instance(s, "stubborn", "v1", 1).state() == InstanceState.RUNNING);
        List<ProcessHandle> children = ProcessHandle.of(i.pid()).orElseThrow().descendants().toList();

        long before = System.nanoTime();
        var stopping = s.stop("stubborn", "v1");
        await().atMost(PATIENCE).until(() -> instance(s, "stubborn", "v1", 1).state() instanceof InstanceState.Stopping);
        // Still there once SIGTERM had time to land: it ignores it.
        assertThat(alive(i.pid())).isTrue();
        List<AppInstance> stopped = stopping.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(took).isGreaterThanOrEqualTo(grace);
        assertThat(stopped).singleElement().extracting(AppInstance::state).isEqualTo(new InstanceState.Stopped(137));
        assertThat(alive(i.pid())).isFalse();
        // Its children got SIGKILL too, parents first, so none started another one meanwhile.
        assertThat(children).isNotEmpty();
        await().atMost(PATIENCE).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").endsWith("sleep 59.7"))
                .filter(h -> h.info().startInstant().map(t -> t.isAfter(startedAt)).orElse(false))).isEmpty();
        assertThat(read(logOf(i))).contains("stopping: SIGTERM to pid " + i.pid() + "; SIGKILL after 1.5s")
                .contains("still running after 1.5s: SIGKILL to pid " + i.pid())
                .contains("stopped: exit code 137 (SIGKILL)");
    }

    @Test
    void aCommandThatExitsAtOnce_isRestartedWithAGrowingBackoff() throws Exception {
        RestartConfig restart = new RestartConfig(Duration.ofMillis(100), Duration.ofMillis(800), Duration.ofSeconds(10));
        Supervisor s = supervisor(app("flaky", "sh -c \"exit 3\"", 1, freeRange(4), Duration.ofSeconds(1), restart));
        List<Long> starts = new CopyOnWriteArrayList<>();
        List<AppInstance> restarting = new CopyOnWriteArrayList<>();
        s.addListener(i -> {
            if (i.state() == InstanceState.STARTING) {
                starts.add(System.nanoTime());
            } else if (i.state() instanceof InstanceState.Restarting) {
                restarting.add(i);
            }
        });

        s.start("flaky", "v1");
        await().atMost(PATIENCE).until(() -> starts.size() >= 6);
        s.stop("flaky", "v1").get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        // 100, 200, 400, 800, 800 ms between starts, plus the short life of each process.
        List<Long> gaps = new ArrayList<>();
        for (int k = 1; k < 6; k++) {
            gaps.add(TimeUnit.NANOSECONDS.toMillis(starts.get(k) - starts.get(k - 1)));
        }
        assertThat(gaps.get(0)).isGreaterThanOrEqualTo(100);
        assertThat(gaps.get(1)).isGreaterThanOrEqualTo(200).isGreaterThan(gaps.get(0));
        assertThat(gaps.get(2)).isGreaterThanOrEqualTo(400).isGreaterThan(gaps.get(1));
        assertThat(gaps.get(3)).isGreaterThanOrEqualTo(800).isGreaterThan(gaps.get(2));
        assertThat(gaps.get(4)).isGreaterThanOrEqualTo(800); // capped at max_backoff
        assertThat(restarting).first().satisfies(i -> assertThat(((InstanceState.Restarting) i.state()).lastExitCode()).isEqualTo(3));
        assertThat(read(logOf(restarting.get(0)))).contains("exited with exit code 3 after")
                .contains("; restarting in 100ms").contains("; restarting in 200ms").contains("; restarting in 800ms");
        assertThat(instance(s, "flaky", "v1", 1).state()).isEqualTo(new InstanceState.Stopped(-1));
    }

    @Test
    void start_skipsPortsInUse_andFailsWhenTooFewAreFree() throws Exception {
        PortRange range = freeRange(6);
        try (ServerSocket a = new ServerSocket(range.from(), 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(range.from() + 2, 1, InetAddress.getLoopbackAddress())) {
            Supervisor s = supervisor(app("sleepy", "sleep 60", 2, range, Duration.ofSeconds(5), QUICK_RESTARTS));

            List<AppInstance> v1 = s.start("sleepy", "v1");

            assertThat(v1).extracting(i -> i.address().port()).doesNotContain(a.getLocalPort(), b.getLocalPort())
                    .allMatch(range::contains);
            // Two of six in use, two held by v1: two left, exactly what v2 needs; v3 finds none.
            List<AppInstance> v2 = s.start("sleepy", "v2");
            assertThat(v2).extracting(i -> i.address().port()).doesNotContainAnyElementsOf(
                    v1.stream().map(i -> i.address().port()).toList());
            assertThatThrownBy(() -> s.start("sleepy", "v3")).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("sleepy v3: 0 free ports in " + range + " (expected: 2; ");

            // Stopping v1 gives its ports back.
            s.stop("sleepy", "v1").get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            assertThat(s.start("sleepy", "v3")).extracting(i -> i.address().port())
                    .containsExactlyInAnyOrderElementsOf(v1.stream().map(i -> i.address().port()).toList());
        }
    }

    @Test
    void start_refusesAnUnknownApp_aBadVersion_aVersionAlreadyRunning_andAProgramThatDoesNotExist() throws Exception {
        Supervisor s = supervisor(app("sleepy", "sleep 60", 1, freeRange(4), Duration.ofSeconds(5), QUICK_RESTARTS),
                app("ghost", "/nonexistent/bin/app --port {port}", 1, freeRange(4), Duration.ofSeconds(5), QUICK_RESTARTS));

        assertThatThrownBy(() -> s.start("nope", "v1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("app: \"nope\" (expected one of: sleepy, ghost)");
        assertThatThrownBy(() -> s.start("sleepy", "../v1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("version: \"../v1\" (expected: 1-64 letters, digits, ., _ or -)");
        s.start("sleepy", "v1");
        assertThatThrownBy(() -> s.start("sleepy", "v1")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("sleepy v1: already running");

        assertThatThrownBy(() -> s.start("ghost", "v1")).isInstanceOf(IOException.class)
                .hasMessageStartingWith("ghost v1 #1: cannot run /nonexistent/bin/app --port ");
        AppInstance ghost = s.instances("ghost").get(0);
        assertThat(ghost.state()).isInstanceOfSatisfying(InstanceState.Failed.class,
                f -> assertThat(f.reason()).startsWith("cannot run /nonexistent/bin/app"));
        assertThat(ghost.pid()).isEqualTo(-1);
    }

    @Test
    void theNode_createsASupervisorForItsApps_andStopsTheirProcessesWhenItStops() throws Exception {
        GatehouseConfig base = TestNode.builder().backend("127.0.0.1:1").accessLog(false).config();
        AppConfig sleepy = app("sleepy", "sleep 60", 2, freeRange(4), Duration.ofSeconds(5), QUICK_RESTARTS);
        GatehouseConfig config = new GatehouseConfig(base.listeners(), base.pools(), base.timeouts(), base.limits(),
                base.upstream(), base.forwarding(), base.accessLog(), base.admin(), Map.of("sleepy", sleepy));
        List<Long> pids;
        try (GatehouseServer server = GatehouseServer.start(config)) {
            assertThat(server.supervisor()).isNotNull();
            pids = server.supervisor().start("sleepy", "v1").stream().map(AppInstance::pid).toList();
            assertThat(pids).allMatch(SupervisorIT::alive);
        }
        assertThat(pids).noneMatch(SupervisorIT::alive);

        try (GatehouseServer server = GatehouseServer.start(base)) {
            assertThat(server.supervisor()).isNull();
        }
    }
}
