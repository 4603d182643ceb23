package dev.gatehouse.server.examples;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain HTTP load as a logged-in user: a few threads, each sending {@code GET path} with the
 * session's cookie, one request after the other on its own keep-alive connection, until stopped.
 * Anything but a 200 with an {@code X-App-Version}, or a client error, is a failure (the thread
 * then connects again).
 */
final class SessionLoad implements AutoCloseable {

    /** One answer: when it was sent and read ({@link System#nanoTime()}), the version, the body. */
    record Answer(long sent, long read, String version, String body) {
    }

    private final int port;
    private final String request;
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong count = new AtomicLong();
    private volatile boolean running = true;

    private SessionLoad(int port, String path, String cookie) {
        this.port = port;
        this.request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n\r\n";
    }

    /** Starts {@code clients} threads sending {@code GET path} with {@code Cookie: cookie}. */
    static SessionLoad start(int port, String path, String cookie, int clients) {
        SessionLoad load = new SessionLoad(port, path, cookie);
        for (int i = 0; i < clients; i++) {
            load.threads.add(Thread.ofPlatform().daemon().name("session-load-" + i).start(load::run));
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
                RawHttpResponse r = client.send(request).readResponse();
                String version = r.header("X-App-Version");
                if (r.status() != 200 || version == null) {
                    failures.add("status " + r.status() + ", X-App-Version " + version + ": " + r.bodyText());
                } else {
                    answers.add(new Answer(sent, System.nanoTime(), version, r.bodyText()));
                }
                if ("close".equalsIgnoreCase(r.header("Connection"))) {
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

    /** Requests finished so far, answered or failed. */
    long finished() {
        return count.get();
    }

    /** Waits until {@code n} requests have finished (or one failed). */
    void awaitFinished(long n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> count.get() >= n || !failures.isEmpty());
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
