package dev.gatehouse.bench.uploads;

import dev.gatehouse.bench.scenario.Args;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One app server of N synchronous workers, as gunicorn's sync worker class runs them: N threads
 * share one listening socket; each accepts a connection, reads the request head and its whole
 * body with blocking reads, works for {@code --work-ms}, answers with {@code Connection: close}
 * and closes. A worker reading a body that trickles in is held for as long as it trickles; that
 * is the behaviour the slow-uploads scenario puts in front of each proxy (docs/benchmarks.md).
 *
 * <p>Usage: {@code BlockingWorkers --port P [--workers 16] [--work-ms 5]}. Prints
 * {@code listening on 127.0.0.1:<port>}; runs until killed.
 */
public final class BlockingWorkers {

    private BlockingWorkers() {
    }

    public static void main(String[] args) throws IOException {
        int port = 0;
        int workers = 16;
        int workMs = 5;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> { port = Args.intIn(a, v, 0, 65535); i++; }
                case "--workers" -> { workers = Args.intIn(a, v, 1, 1024); i++; }
                case "--work-ms" -> { workMs = Args.nonNegativeInt(a, v); i++; }
                default -> throw Args.fail("argument", a, "--port, --workers or --work-ms");
            }
        }
        ServerSocket server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress());
        AtomicLong served = new AtomicLong();
        for (int w = 0; w < workers; w++) {
            int ms = workMs;
            Thread t = new Thread(() -> work(server, ms, served), "worker-" + w);
            t.start();
        }
        System.out.println("listening on 127.0.0.1:" + server.getLocalPort());
        System.out.flush();
    }

    private static void work(ServerSocket server, int workMs, AtomicLong served) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(120_000);
                serve(s, workMs);
                served.incrementAndGet();
            } catch (IOException | InterruptedException e) {
                // A client that went away: the worker takes the next connection.
            }
        }
    }

    private static void serve(Socket s, int workMs) throws IOException, InterruptedException {
        InputStream in = s.getInputStream();
        String head = readHead(in);
        if (head == null) {
            return;
        }
        long length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        byte[] buf = new byte[8192];
        for (long left = length; left > 0; ) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                return;
            }
            left -= n;
        }
        if (workMs > 0) {
            Thread.sleep(workMs);
        }
        byte[] body = ("ok " + length + "\n").getBytes(StandardCharsets.US_ASCII);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int state = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            if (head.size() > 65536) {
                return null;
            }
            state = switch (state) {
                case 0, 2 -> b == '\r' ? state + 1 : 0;
                case 1 -> b == '\n' ? 2 : (b == '\r' ? 1 : 0);
                case 3 -> b == '\n' ? 4 : (b == '\r' ? 1 : 0);
                default -> 0;
            };
            if (state == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }
}
