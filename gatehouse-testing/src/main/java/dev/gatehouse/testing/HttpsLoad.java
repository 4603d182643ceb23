package dev.gatehouse.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Continuous load over HTTPS (HTTP/1.1 or HTTP/2) or cleartext HTTP/2, for tests that change a
 * running node (a certificate reload, a deploy) and check that no request failed meanwhile. It is
 * the TLS counterpart of {@link ContinuousLoad}, built on the JDK's {@link HttpClient}: with
 * {@link HttpClient.Version#HTTP_2} all the workers' requests are concurrent streams of the one
 * client's connection; with {@link HttpClient.Version#HTTP_1_1} each worker reuses keep-alive
 * connections from the client's pool.
 *
 * <p>Besides the workers that share {@code client}, {@code freshWorkers} workers build a new
 * client for every request, so each of their requests is a new connection and a full handshake:
 * a certificate swapped under them must never fail one.
 *
 * <p>A failure is anything but a {@code 200}, a response on another protocol version than asked
 * for, or an exception. The workers are daemon threads; nothing sleeps:
 * {@link #awaitCompleted} waits on a monitor the workers notify after every answer and failure.
 */
public final class HttpsLoad implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_WAIT = REQUEST_TIMEOUT.plusSeconds(5);

    private final URI uri;
    private final SSLContext tls;
    private final HttpClient.Version version;
    private final HttpClient shared;
    private final List<Thread> workers = new ArrayList<>();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Queue<String> backends = new ConcurrentLinkedQueue<>();
    private final AtomicLong ids = new AtomicLong();
    private final Object progress = new Object();
    private long completed;
    private volatile boolean running = true;

    private HttpsLoad(URI uri, SSLContext tls, HttpClient.Version version) {
        this.uri = uri;
        this.tls = tls;
        this.version = version;
        this.shared = client();
    }

    /**
     * Starts the load.
     *
     * @param uri          what every request gets ({@code https://127.0.0.1:PORT/x}, or {@code http://}
     *                     for cleartext HTTP/2 with prior knowledge)
     * @param tls          the client's TLS context (trusting the node's certificate); ignored for {@code http}
     * @param version      the protocol every response must come back on
     * @param workers      workers sharing one client (keep-alive connections or streams of one connection)
     * @param freshWorkers workers that make a new connection for each request
     * @return the running load
     */
    public static HttpsLoad start(URI uri, SSLContext tls, HttpClient.Version version, int workers, int freshWorkers) {
        if (workers < 0 || freshWorkers < 0 || workers + freshWorkers == 0) {
            throw new IllegalArgumentException("workers: " + workers + ", fresh: " + freshWorkers + " (expected: at least one)");
        }
        HttpsLoad load = new HttpsLoad(uri, tls, version);
        for (int i = 0; i < workers; i++) {
            load.workers.add(Thread.ofPlatform().name("https-load-" + i).daemon().start(() -> load.run(false)));
        }
        for (int i = 0; i < freshWorkers; i++) {
            load.workers.add(Thread.ofPlatform().name("https-load-fresh-" + i).daemon().start(() -> load.run(true)));
        }
        return load;
    }

    private HttpClient client() {
        SSLParameters params = tls.getDefaultSSLParameters();
        // The tests connect to 127.0.0.1 with certificates for names: no host name check, the CA is checked.
        params.setEndpointIdentificationAlgorithm(null);
        return HttpClient.newBuilder().version(version).sslContext(tls).sslParameters(params)
                .connectTimeout(REQUEST_TIMEOUT).build();
    }

    private void run(boolean fresh) {
        while (running) {
            String id = "load-" + ids.incrementAndGet();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("X-Request-Id", id).GET().build();
            HttpClient client = fresh ? client() : shared;
            try {
                HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    fail(id + ": status " + r.statusCode() + " " + r.body());
                } else if (r.version() != version) {
                    fail(id + ": answered over " + r.version() + " (expected: " + version + ")");
                } else {
                    r.headers().firstValue(StubBackend.BACKEND_HEADER).ifPresent(backends::add);
                    synchronized (progress) {
                        completed++;
                        progress.notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (running) {
                    fail(id + ": " + e);
                }
            } finally {
                if (fresh) {
                    client.close();
                }
            }
        }
    }

    private void fail(String failure) {
        failures.add(failure);
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** How many requests were answered with a 200 so far. */
    public long completed() {
        synchronized (progress) {
            return completed;
        }
    }

    /** The backends that answered so far, one entry per answer, in no particular order. */
    public List<String> backends() {
        return List.copyOf(backends);
    }

    /**
     * Waits until {@code n} requests in all have been answered; fails at once when a request
     * failed first.
     *
     * @throws AssertionError on a failure or on timeout, naming the failures
     */
    public void awaitCompleted(long n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (completed < n) {
                if (!failures.isEmpty()) {
                    throw new AssertionError("requests failed: " + failures);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(completed + " of " + n + " requests answered after " + timeout
                            + "; failures: " + failures);
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
        }
    }

    /**
     * Stops the workers and waits for them.
     *
     * @return the failures, each a sentence naming the request
     */
    public List<String> stop() throws InterruptedException {
        running = false;
        for (Thread t : workers) {
            t.interrupt();
            t.join(STOP_WAIT.toMillis());
        }
        shared.close();
        return List.copyOf(failures);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
