package dev.gatehouse.server.admin;

import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Continuous load on a node: a few threads, each sending GET requests one after another on one
 * keep-alive connection, counting answers by backend and keeping every failure.
 */
final class Load implements AutoCloseable {

    private final int port;
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final LongAdder ok = new LongAdder();
    private final ConcurrentMap<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    private Load(int port) {
        this.port = port;
    }

    /** Starts {@code threads} senders against 127.0.0.1:port. */
    static Load start(int port, int threads) {
        Load load = new Load(port);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(load::run, "load-" + i);
            t.setDaemon(true);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    private void run() {
        RawHttpClient client = RawHttpClient.connect(port);
        try {
            while (running) {
                try {
                    client.send("GET / HTTP/1.1\r\nHost: load\r\n\r\n");
                    RawHttpResponse r = client.readResponse();
                    if (r.status() != 200) {
                        failures.add(r.status() + " " + r.bodyText());
                    } else {
                        ok.increment();
                        byBackend.computeIfAbsent(String.valueOf(r.header("X-Backend")), k -> new AtomicInteger()).incrementAndGet();
                    }
                } catch (RuntimeException e) {
                    failures.add(e.toString());
                    client.close();
                    client = RawHttpClient.connect(port);
                }
            }
        } finally {
            client.close();
        }
    }

    /** Successful requests so far. */
    long ok() {
        return ok.sum();
    }

    /** Successful requests answered by a backend so far. */
    int answeredBy(String backend) {
        AtomicInteger n = byBackend.get(backend);
        return n == null ? 0 : n.get();
    }

    /** Every failed request, as status and body or the exception. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Stops sending and waits for the requests in flight; returns every failure. */
    List<String> stop() {
        running = false;
        try {
            for (Thread t : threads) {
                t.join(15_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return failures();
    }

    @Override
    public void close() {
        stop();
    }
}
