package dev.gatehouse.server.examples;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's) on 127.0.0.1 and a free port, with its files in a directory of
 * the test's, no persistence; {@link #close()} stops it. Its output goes to {@code redis.log} there.
 */
final class LocalRedis implements AutoCloseable {

    private final Process process;
    private final int port;

    private LocalRedis(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it and returns once it answers PING. */
    static LocalRedis start(Path dir) throws IOException {
        String server = DebianTools.requireProgram("/usr/bin/redis-server", "redis-server").toString();
        int port = FreePorts.one();
        Process p = new ProcessBuilder(List.of(server, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        LocalRedis redis = new LocalRedis(p, port);
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .failFast("redis-server exited; see " + dir.resolve("redis.log"), () -> !p.isAlive())
                    .until(redis::answersPing);
        } catch (RuntimeException | Error e) {
            redis.close();
            throw e;
        }
        return redis;
    }

    int port() {
        return port;
    }

    /** The URL redis-py takes ({@code redis://127.0.0.1:PORT/0}). */
    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: redis-server exits at once (nothing to save)
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
