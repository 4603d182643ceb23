package dev.gatehouse.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for restart tests, from both kinds of client: keep-alive clients (one connection each,
 * requests one after another, a new connection when the node says {@code Connection: close}) and
 * clients that open a new connection per request. Counts answers, refused connections and failed
 * requests. A keep-alive client whose idle connection was closed before any byte of the next
 * response arrived sends that GET again on a new connection, as HTTP clients do (RFC 9112,
 * section 9.3.1): counted apart, as {@link #staleRetries()}, not as a failure.
 */
final class RestartLoad implements AutoCloseable {

    private final int port;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong staleRetries = new AtomicLong();
    private final AtomicLong newConnections = new AtomicLong();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;

    private RestartLoad(int port) {
        this.port = port;
    }

    static RestartLoad start(int port, int keepAliveClients, int newConnectionClients) {
        RestartLoad load = new RestartLoad(port);
        for (int i = 0; i < keepAliveClients; i++) {
            load.threads.add(Thread.ofPlatform().daemon().name("keep-alive-" + i).start(load::keepAlive));
        }
        for (int i = 0; i < newConnectionClients; i++) {
            load.threads.add(Thread.ofPlatform().daemon().name("new-connection-" + i).start(load::newConnections));
        }
        return load;
    }

    long completed() {
        return completed.get();
    }

    long refused() {
        return refused.get();
    }

    long staleRetries() {
        return staleRetries.get();
    }

    long connections() {
        return newConnections.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(15_000);
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        } catch (ConnectException e) {
            s.close();
            refused.incrementAndGet();
            throw e;
        }
        newConnections.incrementAndGet();
        return s;
    }

    private void keepAlive() {
        Socket s = null;
        int used = 0;
        while (running) {
            try {
                if (s == null) {
                    s = connect();
                    used = 0;
                }
                Answer a = exchange(s, false);
                if (a == null && used > 0) {
                    // Closed while idle, before any byte of an answer: the request was not taken.
                    staleRetries.incrementAndGet();
                    s.close();
                    s = connect();
                    used = 0;
                    a = exchange(s, false);
                }
                if (a == null) {
                    failures.add("keep-alive: connection closed without an answer");
                    s.close();
                    s = null;
                    continue;
                }
                used++;
                count(a);
                if (a.close) {
                    s.close();
                    s = null;
                }
            } catch (IOException e) {
                if (running) {
                    failures.add("keep-alive: " + e);
                }
                closeQuietly(s);
                s = null;
            }
        }
        closeQuietly(s);
    }

    private void newConnections() {
        while (running) {
            try (Socket s = connect()) {
                Answer a = exchange(s, true);
                if (a == null) {
                    failures.add("new connection: closed without an answer");
                } else {
                    count(a);
                }
            } catch (IOException e) {
                if (running) {
                    failures.add("new connection: " + e);
                }
            }
        }
    }

    private void count(Answer a) {
        if (a.status == 200) {
            completed.incrementAndGet();
        } else {
            failures.add("status " + a.status);
        }
    }

    private record Answer(int status, boolean close) {
    }

    /** Sends a GET and reads its answer; null when the connection ended before any byte of it. */
    private static Answer exchange(Socket s, boolean close) throws IOException {
        OutputStream out = s.getOutputStream();
        try {
            out.write(("GET /restart-load HTTP/1.1\r\nHost: load\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            return null;
        }
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        try {
            b = in.read();
        } catch (java.net.SocketException e) {
            return null; // reset before any byte
        }
        if (b < 0) {
            return null;
        }
        while (b >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
            b = in.read();
        }
        if (b < 0) {
            throw new IOException("the answer's head was cut");
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        long length = 0;
        boolean closing = false;
        for (String line : text.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                closing = true;
            }
        }
        if (in.readNBytes((int) length).length != length) {
            throw new IOException("the answer's body was cut");
        }
        return new Answer(status, closing);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Stops the clients and waits for them. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(20_000);
        }
    }
}
