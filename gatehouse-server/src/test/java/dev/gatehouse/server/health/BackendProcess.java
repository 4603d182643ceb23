package dev.gatehouse.server.health;

import dev.gatehouse.testing.StubBackendMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stub backend in its own JVM ({@link StubBackendMain} with {@code --log-requests}), so that a
 * test can kill it with SIGKILL like a crashed app process. Its request log tells which request ids
 * it received.
 */
final class BackendProcess implements AutoCloseable {

    private final Process process;
    private final String address;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private BackendProcess(Process process, String address, BufferedReader out) {
        this.process = process;
        this.address = address;
        Thread reader = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // The process died: its log ends here.
            }
        }, "backend-" + address);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a backend on a free port and waits until it listens. */
    static BackendProcess start(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                StubBackendMain.class.getName(), "--port", "0", "--name", name, "--log-requests")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String line = first.get(30, TimeUnit.SECONDS);
        if (line == null || !line.startsWith("listening on ")) {
            p.destroyForcibly();
            throw new IllegalStateException("backend " + name + " did not start: " + line);
        }
        return new BackendProcess(p, line.substring("listening on ".length()).trim(), out);
    }

    String address() {
        return address;
    }

    /** Whether the backend logged receiving a request with this id. */
    boolean received(String requestId) {
        String needle = " " + requestId + " ";
        return lines.stream().anyMatch(l -> l.startsWith("recv ") && l.contains(needle));
    }

    /** Requests it logged receiving. */
    long receivedCount() {
        return lines.stream().filter(l -> l.startsWith("recv ")).count();
    }

    /** SIGKILL, like a crash: no shutdown hook, no goodbye to open connections. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return address;
    }
}
