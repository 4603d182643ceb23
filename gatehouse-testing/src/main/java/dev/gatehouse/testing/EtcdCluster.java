package dev.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real etcd cluster on loopback for tests: {@code n} members started as processes of the
 * system's {@code etcd} (Debian's {@code etcd-server}; {@code ETCD_BIN} names another), their data
 * on tmpfs ({@code /dev/shm} when there is one), short heartbeat and election timeouts so that a
 * leader is elected and replaced in well under a second. Ports are picked free on 127.0.0.1 just
 * before a member starts. Members can be killed and started again on their data, to test a lost
 * leader or a lost quorum. {@link #close()} kills every member and removes the data.
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final List<Member> members = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /** Kills the members if the test JVM exits without closing the cluster (a test run cut short). */
    private final Thread killAtExit = new Thread(() -> members.forEach(Member::kill), "etcd-cluster-kill");

    private EtcdCluster(Path dir) {
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    /**
     * Starts a cluster and waits until every member answers its health check.
     *
     * @param size the number of members (1 or 3 in practice)
     * @return the running cluster
     * @throws IllegalStateException when no etcd binary is found, with how to install it
     */
    public static EtcdCluster start(int size) {
        return start(size, null);
    }

    /**
     * TLS on etcd's client URLs (they become {@code https://127.0.0.1:port}).
     *
     * @param cert       the members' certificate chain (PEM), naming 127.0.0.1
     * @param key        its key (PEM)
     * @param clientsCa  the CA whose client certificates etcd asks for and trusts
     *                   ({@code --client-cert-auth}), or null to ask clients for none
     */
    public record ClientTls(Path cert, Path key, Path clientsCa) {
    }

    /**
     * Starts a cluster whose client URLs speak TLS ({@code tls} non-null) or plain HTTP/2; health
     * is checked on a plain metrics URL either way.
     */
    public static EtcdCluster start(int size, ClientTls tls) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(size, tls);
            } catch (IllegalStateException e) {
                // Another process took a port between its check and etcd's bind: again, on new ports.
                if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("address already in use")) {
                    throw e;
                }
            }
        }
    }

    private static EtcdCluster startOnce(int size, ClientTls tls) {
        String bin = binary();
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        EtcdCluster cluster;
        try {
            cluster = new EtcdCluster(Files.createTempDirectory(base, "gatehouse-etcd-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            for (int i = 0; i < size; i++) {
                cluster.members.add(new Member("m" + i, FreePorts.one(), FreePorts.one(), FreePorts.one(), cluster.dir.resolve("m" + i), tls));
            }
            String initial = String.join(",", cluster.members.stream().map(m -> m.name + "=" + m.peerUrl()).toList());
            for (Member m : cluster.members) {
                m.start(bin, initial, "new");
            }
            for (int i = 0; i < size; i++) {
                cluster.awaitHealthy(i);
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The client URLs of all members, for a client's endpoints. */
    public List<String> endpoints() {
        return members.stream().map(Member::clientUrl).toList();
    }

    /** The client URL of one member. */
    public String endpoint(int member) {
        return members.get(member).clientUrl();
    }

    /** The number of members, running or not. */
    public int size() {
        return members.size();
    }

    /** Kills a member at once (SIGKILL), as a crash would; its data stays for {@link #restart}. */
    public void kill(int member) {
        members.get(member).kill();
    }

    /** Starts a killed member again on its data and waits until it is healthy. */
    public void restart(int member) {
        String initial = String.join(",", members.stream().map(m -> m.name + "=" + m.peerUrl()).toList());
        members.get(member).start(binary(), initial, "existing");
        awaitHealthy(member);
    }

    /**
     * The index of the member that leads now, asked of the running members through etcd's JSON
     * gateway ({@code /v3/maintenance/status}); -1 when none knows a leader.
     */
    public int leader() {
        for (int i = 0; i < members.size(); i++) {
            if (!isRunning(i)) {
                continue;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint(i) + "/v3/maintenance/status"))
                        .timeout(Duration.ofSeconds(2)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                java.util.regex.Matcher self = java.util.regex.Pattern.compile("\"member_id\"\\s*:\\s*\"(\\d+)\"").matcher(r.body());
                java.util.regex.Matcher leader = java.util.regex.Pattern.compile("\"leader\"\\s*:\\s*\"(\\d+)\"").matcher(r.body());
                if (self.find() && leader.find() && self.group(1).equals(leader.group(1))) {
                    return i;
                }
            } catch (IOException e) {
                // this member does not answer: ask the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /**
     * Turns etcd's authentication on with a {@code root} user of this password (through the JSON
     * gateway of the first member; a cluster without TLS): from then on every client must log in.
     */
    public void enableAuth(String rootPassword) {
        gateway("/v3/auth/user/add", "{\"name\": \"root\", \"password\": \"" + rootPassword + "\"}", true);
        gateway("/v3/auth/role/add", "{\"name\": \"root\"}", false);
        gateway("/v3/auth/user/grant", "{\"user\": \"root\", \"role\": \"root\"}", true);
        gateway("/v3/auth/enable", "{}", true);
    }

    private void gateway(String path, String body, boolean mustSucceed) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint(0) + path)).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (mustSucceed && r.statusCode() != 200) {
                throw new IllegalStateException("etcd " + path + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether a member's process is running. */
    public boolean isRunning(int member) {
        return members.get(member).process != null && members.get(member).process.isAlive();
    }

    /**
     * Whether a member answers its health check with {@code "health":"true"} (it has a leader and
     * its store works).
     */
    public boolean isHealthy(int member) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(members.get(member).metricsUrl() + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void awaitHealthy(int member) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Member m = members.get(member);
        while (!isHealthy(member)) {
            if (!m.process.isAlive()) {
                throw new IllegalStateException("etcd member " + m.name + " exited with " + m.process.exitValue()
                        + "; its log: " + m.log + "\n" + m.tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("etcd member " + m.name + " not healthy after " + START_TIMEOUT
                        + "; its log: " + m.log + "\n" + m.tail());
            }
            try {
                // A poll for a process that is starting: there is no event to wait on.
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while etcd started", e);
            }
        }
    }

    @Override
    public void close() {
        for (Member m : members) {
            m.kill();
        }
        http.close();
        try {
            Runtime.getRuntime().removeShutdownHook(killAtExit);
        } catch (IllegalStateException e) {
            // The JVM is exiting: the hook runs anyway.
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left on tmpfs; removed at the next reboot.
        }
    }

    /** The etcd binary: {@code ETCD_BIN}, else {@code etcd} on the PATH or in /usr/bin. */
    static String binary() {
        String configured = System.getenv("ETCD_BIN");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        for (String dirName : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dirName, "etcd");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw new IllegalStateException("no etcd binary: install Debian's etcd-server (bin/test does when run as root), "
                + "or set ETCD_BIN");
    }

    /** One member: its name, ports, data directory and process. */
    private static final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final int metricsPort;
        final Path data;
        final Path log;
        final ClientTls tls;
        Process process;

        Member(String name, int clientPort, int peerPort, int metricsPort, Path data, ClientTls tls) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.metricsPort = metricsPort;
            this.data = data;
            this.log = data.resolveSibling(name + ".log");
            this.tls = tls;
        }

        String clientUrl() {
            return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
        }

        String metricsUrl() {
            return "http://127.0.0.1:" + metricsPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }

        void start(String bin, String initialCluster, String state) {
            List<String> cmd = new java.util.ArrayList<>(List.of(bin,
                    "--name", name,
                    "--data-dir", data.toString(),
                    "--listen-client-urls", clientUrl(),
                    "--advertise-client-urls", clientUrl(),
                    "--listen-peer-urls", peerUrl(),
                    "--initial-advertise-peer-urls", peerUrl(),
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-state", state,
                    "--initial-cluster-token", "gatehouse-test",
                    // Fast elections on loopback: a lost leader is replaced within about a second.
                    "--heartbeat-interval", "50",
                    "--election-timeout", "500",
                    "--listen-metrics-urls", metricsUrl(),
                    "--logger", "zap",
                    "--log-outputs", "stderr"));
            if (tls != null) {
                cmd.addAll(List.of("--cert-file", tls.cert().toString(), "--key-file", tls.key().toString()));
                if (tls.clientsCa() != null) {
                    cmd.addAll(List.of("--client-cert-auth", "--trusted-ca-file", tls.clientsCa().toString()));
                }
            }
            try {
                process = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start " + bin, e);
            }
        }

        void kill() {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "(no log)";
            }
        }
    }
}
