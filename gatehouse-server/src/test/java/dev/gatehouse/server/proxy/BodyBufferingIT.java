package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.testing.DeterministicBytes;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients never hold a sync worker (issue 15, item 5): request bodies are read before a
 * backend slot is taken, within bounds; bodies that arrive too slowly are cut with 408; responses
 * are read ahead of a slow reader. The backend is {@link OneWorker}: one thread that serves one
 * connection at a time and reads each body to its end before answering, as a gunicorn sync
 * worker does.
 */
final class BodyBufferingIT {

    private GatehouseServer node;
    private OneWorker worker;
    private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() throws Exception {
        pacer.shutdownNow();
        if (node != null) {
            node.close();
        }
        if (worker != null) {
            worker.close();
        }
    }

    private void start(String extra) throws Exception {
        start("", extra);
    }

    /** A node with one pool (its settings {@code pool}, indented) in front of a new worker, and {@code extra} at the top level. */
    private void start(String pool, String extra) throws Exception {
        worker = new OneWorker();
        node = GatehouseServer.start(ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { path_prefix: /, pool: web } ]
                pools:
                  web:
                %s    backends: [ "127.0.0.1:%d" ]
                access_log: { enabled: false }
                %s
                """.formatted(pool, worker.port(), extra), name -> null));
    }

    @Test
    void aSlowUpload_holdsNoWorker_andArrivesWhole() throws Exception {
        start("");
        try (RawHttpClient upload = RawHttpClient.connect(node.port())) {
            upload.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nab");
            // The upload has not finished; a GET behind it is served at once by the only worker.
            RawHttpResponse get = RawHttpResponse.get(node.port(), "/get");
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.bodyText()).isEqualTo("GET /get 0 0");
            upload.send("cdefghij");
            RawHttpResponse up = upload.readResponse();
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.bodyText()).isEqualTo("POST /up 10 " + crc("abcdefghij".getBytes(StandardCharsets.US_ASCII)));
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(worker.served()).containsExactly("GET /get", "POST /up"));
    }

    @Test
    void aBodyPastTheBounds_streamsTheRest_whole() throws Exception {
        start("bodies: { buffer_request: 64KiB, buffer_requests_total: 64KiB, buffer_request_file: 0 }");
        uploadArrivesWhole("/big", 3L * 1024 * 1024);
        await().atMost(Duration.ofSeconds(5)).until(() -> node.bodies().memory().inUse() == 0);
    }

    @Test
    void aSlowUploadPastItsMemoryBuffer_goesToAFile_andHoldsNoWorker(@TempDir Path dir) throws Exception {
        start("bodies: { buffer_request: 64KiB, buffer_request_file: 8MiB, temp_dir: " + dir + " }");
        int size = 2 * 1024 * 1024;
        byte[] body = DeterministicBytes.stream(size).readAllBytes();
        try (RawHttpClient upload = RawHttpClient.connect(node.port())) {
            upload.send("POST /file HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n");
            upload.send(Arrays.copyOf(body, size / 2));
            // Half of it is in the file (past the 64 KiB in memory), and the only worker is free.
            await().atMost(Duration.ofSeconds(10)).until(() -> node.bodies().files().inUse() >= size / 2);
            assertThat(node.bodies().memory().inUse()).isZero();
            assertThat(RawHttpResponse.get(node.port(), "/get").status()).isEqualTo(200);
            // The file has no name: nothing is left in the directory, even while it is in use.
            try (var files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
            upload.send(Arrays.copyOfRange(body, size / 2, size));
            RawHttpResponse up = upload.readResponse();
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.bodyText()).isEqualTo("POST /file " + size + " " + crc(body));
        }
        // The worker notes a request once it has written the answer (a test below needs that):
        // the client can read the answer before the note.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(worker.served()).containsExactly("GET /get", "POST /file"));
        await().atMost(Duration.ofSeconds(5)).until(() -> node.bodies().files().inUse() == 0);
    }

    @Test
    void aBodyPastItsFileBound_streamsTheRest_whole() throws Exception {
        start("bodies: { buffer_request: 64KiB, buffer_request_file: 1MiB }");
        uploadArrivesWhole("/huge", 5L * 1024 * 1024);
        await().atMost(Duration.ofSeconds(5)).until(() -> node.bodies().files().inUse() == 0 && node.bodies().memory().inUse() == 0);
    }

    @Test
    void theFilesTotal_boundsTheBodiesOnDisk_andABodyPastItStreams() throws Exception {
        start("bodies: { buffer_request: 64KiB, buffer_request_file: 4MiB, buffer_files_total: 4MiB }");
        int size = 3 * 1024 * 1024;
        byte[] body = DeterministicBytes.stream(size).readAllBytes();
        try (RawHttpClient first = RawHttpClient.connect(node.port());
             RawHttpClient second = RawHttpClient.connect(node.port())) {
            first.send("POST /one HTTP/1.1\r\nHost: t\r\nContent-Length: " + (size + 1) + "\r\n\r\n");
            first.send(body);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.bodies().files().inUse() >= size);
            // The node's 4 MiB hold the first body's 3 MiB: the second has 1 MiB of file, then takes
            // the worker and streams; it is served whole while the first still waits for its last byte.
            second.send("POST /two HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n");
            second.send(body);
            RawHttpResponse two = second.readResponse();
            assertThat(two.bodyText()).isEqualTo("POST /two " + size + " " + crc(body));
            assertThat(node.bodies().files().inUse()).isLessThanOrEqualTo(node.bodies().files().total());
            first.send("z");
            RawHttpResponse one = first.readResponse();
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.bodyText()).startsWith("POST /one " + (size + 1) + " ");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> node.bodies().files().inUse() == 0);
    }

    @Test
    void anEarlyAnswerWhileTheFileIsSent_reachesTheClient_andTheConnectionIsNotReused() throws Exception {
        try (EarlyAnswerer early = new EarlyAnswerer()) {
            node = GatehouseServer.start(ConfigLoader.parse("""
                    listeners:
                      - bind: 127.0.0.1:0
                        routes: [ { path_prefix: /, pool: web } ]
                    pools:
                      web:
                        backends: [ "127.0.0.1:%d" ]
                    access_log: { enabled: false }
                    bodies: { buffer_request: 64KiB }
                    """.formatted(early.port()), name -> null));
            // Warm a pooled connection, so the upload goes out on a reused one (whose read is armed).
            assertThat(RawHttpResponse.get(node.port(), "/warm").status()).isEqualTo(200);
            int size = 32 * 1024 * 1024;
            try (RawHttpClient upload = RawHttpClient.connect(node.port())) {
                upload.send("POST /early HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n");
                upload.send(DeterministicBytes.stream(size));
                RawHttpResponse r = upload.readResponse();
                assertThat(r.status()).isEqualTo(413);
            }
            // The connection the backend answered early on still expected the rest of the body: had
            // it gone back to the pool, this request would have been sent into that body.
            assertThat(RawHttpResponse.get(node.port(), "/after").status()).isEqualTo(200);
            assertThat(early.heads()).contains("GET /warm", "POST /early", "GET /after");
            assertThat(early.garbage()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> node.bodies().files().inUse() == 0);
        }
    }

    @Test
    void aTempDirThatIsNoDirectory_stopsTheNodeFromStarting_withTheReason(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("not-a-dir"));
        assertThatThrownBy(() -> start("bodies: { temp_dir: " + file + " }"))
                .hasStackTraceContaining("bodies.temp_dir: " + file + " (expected: a writable directory");
    }

    @Test
    void aBodyBelowTheMinimumRate_isCutWith408_andTheNodeServesOn() throws Exception {
        start("timeouts: { client_body: 1s }\nbodies: { min_request_rate: 1000 }");
        try (RawHttpClient slow = RawHttpClient.connect(node.port())) {
            slow.send("POST /trickle HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n");
            trickle(slow, "x");
            long start = System.nanoTime();
            RawHttpResponse r = slow.readResponse();
            assertThat(r.status()).isEqualTo(408);
            // A byte per 100 ms never pauses for client_body (1 s); the rate cut it once 1 s had passed.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
        assertThat(RawHttpResponse.get(node.port(), "/after").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(worker.served()).containsExactly("GET /after"));
    }

    @Test
    void aBodyPastTheDeadline_isCutWith408() throws Exception {
        start("bodies: { request_deadline: 1s, min_request_rate: 0 }");
        try (RawHttpClient slow = RawHttpClient.connect(node.port())) {
            slow.send("POST /steady HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
            trickle(slow, "y".repeat(2000));
            RawHttpResponse r = slow.readResponse();
            assertThat(r.status()).isEqualTo(408);
        }
        assertThat(worker.served()).isEmpty();
    }

    @Test
    void aClientWaitingFor100Continue_getsItFromTheNode() throws Exception {
        start("");
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST /ask HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(100);
            client.send("hello");
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("POST /ask 5 " + crc("hello".getBytes(StandardCharsets.US_ASCII)));
        }
        assertThat(worker.expects()).containsExactly(false);
    }

    @Test
    void aSlowReader_holdsNoWorker_whileTheResponseFitsTheReadAhead() throws Exception {
        start("bodies: { buffer_response: 8MiB }");
        int size = 4 * 1024 * 1024;
        try (RawHttpClient reader = RawHttpClient.connectWithReceiveBuffer(node.port(), 4096)) {
            reader.send("GET /big?" + size + " HTTP/1.1\r\nHost: t\r\n\r\n");
            // Nothing read yet: the worker is done once the node took the whole response.
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.served().contains("GET /big?" + size));
            assertThat(RawHttpResponse.get(node.port(), "/next").status()).isEqualTo(200);
            RawHttpResponse r = reader.readResponse();
            assertThat(r.body()).hasSize(size);
        }
    }

    @Test
    void aPoolWithoutBuffering_streamsAsBefore() throws Exception {
        start("    request_buffering: false\n", "");
        try (RawHttpClient upload = RawHttpClient.connect(node.port())) {
            upload.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab");
            // Without buffering the worker has the connection before the body is whole.
            await().atMost(Duration.ofSeconds(10)).until(() -> worker.accepted() == 1);
            upload.send("cd");
            assertThat(upload.readResponse().bodyText()).startsWith("POST /up 4 ");
        }
    }

    /** POSTs {@code size} deterministic bytes to {@code path} and checks the worker got every one. */
    private void uploadArrivesWhole(String path, long size) throws IOException {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + size + "\r\n\r\n");
            client.send(DeterministicBytes.stream(size));
            RawHttpResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("POST " + path + " " + size + " " + crc(DeterministicBytes.stream(size)));
        }
    }

    /** Sends {@code part} every 100 ms until the node cuts the connection (the test reads its answer). */
    private void trickle(RawHttpClient client, String part) {
        pacer.scheduleAtFixedRate(() -> {
            try {
                client.send(part);
            } catch (RuntimeException cut) {
                // The connection is closed: nothing more to send.
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    private static long crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static long crc(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[65536];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return crc.getValue();
    }

    /**
     * One sync worker: a single thread that accepts a connection, reads the request head and its
     * whole body (by {@code Content-Length}), answers {@code "<method> <path> <length> <crc32>"}
     * (or {@code n} bytes for {@code GET /big?n}) and closes; nothing else progresses meanwhile.
     */
    private static final class OneWorker implements AutoCloseable {
        private final ServerSocket server;
        private final Thread thread;
        private final List<String> served = new CopyOnWriteArrayList<>();
        private final List<Boolean> expects = new CopyOnWriteArrayList<>();
        private volatile int accepted;

        OneWorker() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(this::run, "one-worker");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> served() {
            return served;
        }

        List<Boolean> expects() {
            return expects;
        }

        int accepted() {
            return accepted;
        }

        private void run() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    accepted++;
                    serve(s);
                } catch (IOException e) {
                    // closed, or a peer went away: serve the next one
                }
            }
        }

        private void serve(Socket s) throws IOException {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] line = head.substring(0, head.indexOf("\r\n")).split(" ");
            long length = 0;
            boolean expect = false;
            for (String h : head.split("\r\n")) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (lower.startsWith("expect:")) {
                    expect = true;
                }
            }
            CRC32 crc = new CRC32();
            byte[] buf = new byte[65536];
            for (long left = length; left > 0; ) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    return;
                }
                crc.update(buf, 0, n);
                left -= n;
            }
            OutputStream out = s.getOutputStream();
            byte[] body;
            if (line[1].startsWith("/big?")) {
                body = new byte[Integer.parseInt(line[1].substring(5))];
            } else {
                body = (line[0] + " " + line[1] + " " + length + " " + crc.getValue()).getBytes(StandardCharsets.US_ASCII);
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            if (line[0].equals("POST")) {
                expects.add(expect);
            }
            served.add(line[0] + " " + line[1]);
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            for (int b; (b = in.read()) >= 0; ) {
                head.write(b);
                matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : (b == '\r' ? 1 : 0);
                if (matched == 4) {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /**
     * A keep-alive backend that answers {@code POST /early} with 413 as soon as it has the head,
     * reading none of the body, and keeps the connection open for the next request, as an app
     * server that refuses an upload early does. Every line that does not start a request where a
     * request should start is counted as garbage (a request sent into a body it never read).
     */
    private static final class EarlyAnswerer implements AutoCloseable {
        private final ServerSocket server;
        private final List<String> heads = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger garbage = new java.util.concurrent.atomic.AtomicInteger();

        EarlyAnswerer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(this::run, "early-answerer");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> heads() {
            return heads;
        }

        int garbage() {
            return garbage.get();
        }

        private void run() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread c = new Thread(() -> serve(s), "early-answerer-conn");
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                for (String head; (head = OneWorker.readHead(in)) != null; ) {
                    String line = head.substring(0, head.indexOf("\r\n"));
                    if (!line.matches("[A-Z]+ /\\S* HTTP/1\\.1")) {
                        garbage.incrementAndGet();
                        return;
                    }
                    String[] parts = line.split(" ");
                    heads.add(parts[0] + " " + parts[1]);
                    String status = parts[1].equals("/early") ? "413 Payload Too Large" : "200 OK";
                    out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // the proxy closed the connection
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
