package dev.gatehouse.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous load on keep-alive connections, for tests that change a running node and check that
 * no request failed meanwhile: a few client threads, each sending GET requests one at a time on
 * its own connection, until {@link #stop()}.
 *
 * <pre>{@code
 * try (ContinuousLoad load = ContinuousLoad.start(node.port(), 4, "/x")) {
 *     load.awaitCompleted(100, Duration.ofSeconds(10));
 *     // change the node
 *     load.awaitCompleted(load.completed() + 300, Duration.ofSeconds(10));
 *     assertThat(load.stop()).isEmpty();
 * }
 * }</pre>
 *
 * <p>A failure is anything but a {@code 200}, a response that asks to close the connection, a
 * client-side error (I/O error, the peer closing, {@link RawHttpClient#DEFAULT_TIMEOUT} without an
 * answer) or, checked when the load stops, a connection the peer closed while it was idle. After
 * a failure on a connection the client connects again and carries on; a failed connect ends that
 * client (the node is gone, and retrying at once would only pile up failures).
 *
 * <p>Each request carries {@code X-Request-Id: load-N} (N unique within this load) and each
 * response read is kept as a {@link Sample}: when its request was sent and its response read
 * ({@link System#nanoTime()}), and which backend answered ({@link StubBackend#BACKEND_HEADER}).
 * A test can thus check what was sent after a moment, or look a request a backend saw up by id.
 *
 * <p>Threading: the clients are daemon threads named {@code continuous-load-N}; everything here
 * may be read from any thread while they run. Nothing sleeps: {@link #awaitCompleted} waits on a
 * monitor the clients notify after every answer and every failure.
 */
public final class ContinuousLoad implements AutoCloseable {

    /** How long {@link #stop()} waits for each client: longer than a read may block. */
    private static final Duration STOP_WAIT = RawHttpClient.DEFAULT_TIMEOUT.plusSeconds(5);

    private final int port;
    private final List<String> paths;
    private final List<Thread> clients = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Queue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    /** Guards {@link #completed}; notified on every answer and every failure. */
    private final Object progress = new Object();
    private long completed;
    private volatile boolean running = true;

    private ContinuousLoad(int port, List<String> paths) {
        this.port = port;
        this.paths = paths;
    }

    /**
     * Starts {@code clients} threads, each connecting to 127.0.0.1:{@code port} and sending
     * {@code GET} requests for {@code paths} in turn, one after the other, until stopped.
     *
     * @param port the port to send to
     * @param clients how many connections (threads) at once
     * @param paths the paths to request in turn; at least one
     * @return the running load
     */
    public static ContinuousLoad start(int port, int clients, String... paths) {
        if (clients <= 0) {
            throw new IllegalArgumentException("clients: " + clients + " (expected: > 0)");
        }
        if (paths.length == 0) {
            throw new IllegalArgumentException("paths: none (expected: at least one)");
        }
        ContinuousLoad load = new ContinuousLoad(port, List.of(paths));
        for (int i = 0; i < clients; i++) {
            load.clients.add(Thread.ofPlatform().name("continuous-load-" + i).daemon().start(load::run));
        }
        return load;
    }

    /** One client: a keep-alive connection, one request at a time, a new connection after a failure. */
    private void run() {
        RawHttpClient client = null;
        try {
            for (int i = 0; running; i++) {
                String path = paths.get(i % paths.size());
                String id = "load-" + ids.incrementAndGet();
                if (client == null) {
                    try {
                        client = RawHttpClient.connect(port);
                    } catch (RuntimeException e) {
                        fail(Thread.currentThread().getName() + ": " + e);
                        return;
                    }
                }
                long sent = System.nanoTime();
                RawHttpResponse r;
                try {
                    client.send("GET " + path + " HTTP/1.1\r\nHost: load\r\nX-Request-Id: " + id + "\r\n\r\n");
                    r = client.readResponse();
                } catch (RuntimeException e) {
                    fail(id + " " + path + ": " + e);
                    client.close();
                    client = null;
                    continue;
                }
                if (r.status() != 200) {
                    fail(id + " " + path + ": status " + r.status() + " " + r.bodyText());
                }
                if ("close".equalsIgnoreCase(r.header("Connection"))) {
                    fail(id + " " + path + ": the response asked to close the connection");
                    client.close();
                    client = null;
                }
                String text = r.bodyText();
                samples.add(new Sample(id, path, sent, System.nanoTime(), r.status(), r.header(StubBackend.BACKEND_HEADER),
                        text.length() > Sample.BODY_START ? text.substring(0, Sample.BODY_START) : text));
                synchronized (progress) {
                    completed++;
                    progress.notifyAll();
                }
            }
            if (client != null && client.isClosedByPeer()) {
                fail(Thread.currentThread().getName() + ": the peer closed the idle connection");
            }
        } finally {
            if (client != null) {
                client.close();
            }
        }
    }

    private void fail(String failure) {
        failures.add(failure);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /**
     * Returns how many responses were read so far, whatever their status.
     *
     * @return the number of requests answered
     */
    public long completed() {
        synchronized (progress) {
            return completed;
        }
    }

    /**
     * Returns how many responses so far came from {@code backend}, by {@link StubBackend#BACKEND_HEADER}.
     *
     * @param backend the backend's name
     * @return the number of its answers
     */
    public long answeredBy(String backend) {
        return samples.stream().filter(s -> backend.equals(s.backend())).count();
    }

    /**
     * Returns every response read so far, in the order they were read (per client, in the order
     * sent).
     *
     * @return a snapshot of the samples
     */
    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /**
     * Returns the responses to requests sent after {@code nanos}, e.g. the moment a change returned.
     *
     * @param nanos a {@link System#nanoTime()} reading
     * @return the samples whose request was sent after it
     */
    public List<Sample> sentAfter(long nanos) {
        return samples.stream().filter(s -> s.sentNanos() > nanos).toList();
    }

    /**
     * Returns the failures so far, each a sentence naming the request or client.
     *
     * @return a snapshot of the failures
     */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * Waits until {@code n} requests in all have been answered. Fails at once when a request
     * fails first, so a test never waits out the timeout for a load that already went wrong.
     *
     * @param n how many answers in all, e.g. {@code completed() + 100} for 100 more
     * @param timeout how long to wait at most
     * @throws AssertionError when a request failed, or on timeout; naming the failures
     * @throws InterruptedException when interrupted while waiting
     */
    public void awaitCompleted(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (completed < n) {
                if (!failures.isEmpty()) {
                    throw new AssertionError(completed + " of " + n + " requests answered, and a request failed: " + failures);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(completed + " of " + n + " requests answered within " + timeout
                            + (clients.stream().anyMatch(Thread::isAlive) ? "" : "; no client is running"));
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    /**
     * Stops every client after its current request and waits for them; a client that does not
     * stop in time is a failure too. May be called again.
     *
     * @return every failure
     */
    public List<String> stop() {
        running = false;
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread t : clients) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                fail(t.getName() + ": still running " + STOP_WAIT + " after stop");
            }
        }
        return failures();
    }

    /** Stops the load, as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * One response.
     *
     * @param id the request's {@code X-Request-Id}
     * @param path the path requested
     * @param sentNanos when the request was sent ({@link System#nanoTime()})
     * @param answeredNanos when the whole response had been read
     * @param status the response status
     * @param backend the {@link StubBackend#BACKEND_HEADER} of the response, or null
     * @param bodyStart the body's first {@value #BODY_START} characters (what a file the node served says)
     */
    public record Sample(String id, String path, long sentNanos, long answeredNanos, int status, String backend,
                         String bodyStart) {

        /** How much of each body a sample keeps. */
        public static final int BODY_START = 64;

        /** Checks the fields. */
        public Sample {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(path, "path");
        }
    }
}
