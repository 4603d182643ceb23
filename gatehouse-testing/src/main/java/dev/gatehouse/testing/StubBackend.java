package dev.gatehouse.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real HTTP/1.1 server for tests: binds 127.0.0.1 (port 0 by default), answers with a
 * {@link StubBehavior} that can be swapped at any time, and records what it received.
 *
 * <pre>{@code
 * try (var backend = StubBackend.start("a")) {
 *     RawHttpResponse r = RawHttpResponse.get(backend.port(), "/");
 *     assertThat(r.bodyText()).isEqualTo("a\n");
 * }
 * }</pre>
 *
 * <p>Bodies stream in both directions with backpressure and are never aggregated, so tests can
 * push hundreds of megabytes through it with a small heap. Each backend has its own one-thread
 * event loop group. See {@link RecordedRequest} for when a request is recorded.
 */
public final class StubBackend implements AutoCloseable {

    /** The response header naming the backend that answered. */
    public static final String BACKEND_HEADER = "X-Backend";

    private static final String HOST = "127.0.0.1";

    private final String name;
    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final Channel server;
    private final int port;
    private final PrintStream requestLog;
    /** Speaks TLS with this when not null. */
    private final SslContext tls;
    private final List<String> serverNames = new CopyOnWriteArrayList<>();
    private volatile StubBehavior behavior;

    private final AtomicLong connectionSequence = new AtomicLong();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final AtomicInteger requestsStarted = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition recordedMore = lock.newCondition();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final ReceivedBytes received = new ReceivedBytes();

    private StubBackend(String name, StubBehavior behavior, int port, PrintStream requestLog, SslContext tls) {
        this.name = name;
        this.behavior = behavior;
        this.requestLog = requestLog;
        this.tls = tls;
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("stub-" + name, true),
                NioIoHandler.newFactory());
        this.channels = new DefaultChannelGroup("stub-" + name, group.next());
        try {
            this.server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new StubBackendInitializer(this))
                    .bind(HOST, port)
                    .syncUninterruptibly()
                    .channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
        channels.add(server);
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    /**
     * Starts a backend with {@link StubBehaviors#standard(String)} on a free port.
     *
     * @param name the name it answers with ({@code X-Backend}, the default body)
     * @return the running backend
     */
    public static StubBackend start(String name) {
        return start(name, StubBehaviors.standard(name));
    }

    /**
     * Starts a backend on a free port.
     *
     * @param name the backend's name
     * @param behavior how it answers
     * @return the running backend
     */
    public static StubBackend start(String name, StubBehavior behavior) {
        return start(name, 0, behavior);
    }

    /**
     * Starts a backend on a given port of 127.0.0.1.
     *
     * @param name the backend's name
     * @param port the port, or 0 for a free one
     * @param behavior how it answers
     * @return the running backend
     */
    public static StubBackend start(String name, int port, StubBehavior behavior) {
        return start(name, port, behavior, null);
    }

    /**
     * Starts a backend on a given port of 127.0.0.1 that writes a line to {@code requestLog} for
     * every request it receives and every response it finishes writing, flushed at once, so that
     * whoever kills the process can tell which requests it had in hand. The line format is in
     * {@code RequestEventLogHandler}: {@code recv TIME CONN ID METHOD URI}, {@code done TIME CONN
     * ID STATUS}, {@code fail ...}, {@code drop TIME CONN ID}, with {@code ID} the request's
     * {@code X-Request-Id}.
     *
     * @param name the backend's name
     * @param port the port, or 0 for a free one
     * @param behavior how it answers
     * @param requestLog where the request events go, or null for none (as the other factories)
     * @return the running backend
     */
    public static StubBackend start(String name, int port, StubBehavior behavior, PrintStream requestLog) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(behavior, "behavior");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        return new StubBackend(name, behavior, port, requestLog, null);
    }

    /**
     * Starts a backend that speaks HTTPS on a free port: every connection is TLS with {@code tls}
     * (a server context, e.g. from certificates made at test time), and the SNI name each client
     * sent is recorded ({@link #serverNames()}).
     *
     * @param name the backend's name
     * @param behavior how it answers
     * @param tls the server side of TLS
     * @return the running backend
     */
    public static StubBackend startTls(String name, StubBehavior behavior, SslContext tls) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(behavior, "behavior");
        if (!Objects.requireNonNull(tls, "tls").isServer()) {
            throw new IllegalArgumentException("tls: a client context (expected: a server context)");
        }
        return new StubBackend(name, behavior, 0, null, tls);
    }

    /**
     * Returns the SNI names TLS clients sent, one per handshake in arrival order, {@code ""} for a
     * handshake without SNI; empty for a plain backend.
     *
     * @return a snapshot copy
     */
    public List<String> serverNames() {
        return List.copyOf(serverNames);
    }

    /** The server side of TLS, or null for plain HTTP. */
    SslContext tls() {
        return tls;
    }

    /** A TLS client sent {@code name} as SNI, or none ({@code null}). */
    void serverNameSeen(String name) {
        serverNames.add(name == null ? "" : name);
    }

    /**
     * Returns the backend's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the port the backend listens on.
     *
     * @return the bound port
     */
    public int port() {
        return port;
    }

    /**
     * Returns the address to configure a proxy with.
     *
     * @return {@code "127.0.0.1:<port>"}
     */
    public String address() {
        return HOST + ":" + port;
    }

    /**
     * Replaces the behaviour; requests whose head arrives afterwards use the new one.
     *
     * @param behavior how to answer from now on
     */
    public void behavior(StubBehavior behavior) {
        this.behavior = Objects.requireNonNull(behavior, "behavior");
    }

    StubBehavior behavior() {
        return behavior;
    }

    /** Where request events go, or null when the backend was started without a request log. */
    PrintStream requestLog() {
        return requestLog;
    }

    /**
     * Returns how many TCP connections the backend has accepted since it started.
     *
     * @return the total
     */
    public int connectionsAccepted() {
        return (int) connectionSequence.get();
    }

    /**
     * Returns how many connections are open right now.
     *
     * @return the count
     */
    public int openConnections() {
        return openConnections.get();
    }

    /**
     * Returns how many request heads have arrived, including requests not (yet) recorded.
     *
     * @return the count
     */
    public int requestsStarted() {
        return requestsStarted.get();
    }

    /**
     * Returns the recorded requests in arrival order.
     *
     * @return a snapshot copy
     */
    public List<RecordedRequest> requests() {
        lock.lock();
        try {
            return List.copyOf(requests);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the last recorded request.
     *
     * @return the request, or null when none was recorded
     */
    public RecordedRequest lastRequest() {
        lock.lock();
        try {
            return requests.isEmpty() ? null : requests.get(requests.size() - 1);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until at least {@code n} requests have been recorded.
     *
     * @param n how many
     * @param timeout how long to wait at most
     * @throws AssertionError when the timeout passes first
     */
    public void awaitRequests(int n, Duration timeout) {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (requests.size() < n) {
                if (remaining <= 0) {
                    throw new AssertionError("backend " + name + ": " + requests.size() + " requests recorded after "
                            + timeout + " (expected: >= " + n + "; heads seen: " + requestsStarted.get() + ")");
                }
                remaining = recordedMore.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + n + " requests on backend " + name, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts or stops keeping the raw bytes that arrive, on every connection: what a proxy really
     * sent, before the stub's own (lenient) parser read it. Off by default; bounded to 4 MiB.
     *
     * @param on whether to keep them from now on
     */
    public void captureBytes(boolean on) {
        received.capturing(on);
    }

    /**
     * Returns the raw bytes received while capturing since the last {@link #clearReceivedBytes()}:
     * each connection's bytes in turn, connections in the order their first byte came.
     *
     * @return a copy
     * @throws IllegalStateException when more than the 4 MiB bound arrived (the capture is incomplete)
     */
    public byte[] receivedBytes() {
        if (received.overflowed()) {
            throw new IllegalStateException("backend " + name + ": more than " + ReceivedBytes.LIMIT
                    + " bytes arrived while capturing; the capture is incomplete");
        }
        return received.all();
    }

    /** Forgets the raw bytes captured so far (capturing stays on or off). */
    public void clearReceivedBytes() {
        received.clear();
    }

    ReceivedBytes received() {
        return received;
    }

    /** Forgets the recorded requests (the counters keep counting). */
    public void clearRequests() {
        lock.lock();
        try {
            requests.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the listening socket and every connection, then stops the event loop and waits. */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    // ---- called by the connections -----------------------------------------------------------

    long connectionAccepted(Channel child) {
        channels.add(child);
        openConnections.incrementAndGet();
        child.closeFuture().addListener(f -> openConnections.decrementAndGet());
        return connectionSequence.incrementAndGet();
    }

    void requestStarted() {
        requestsStarted.incrementAndGet();
    }

    void record(RecordedRequest request) {
        lock.lock();
        try {
            requests.add(request);
            recordedMore.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "StubBackend[" + name + " at " + address() + "]";
    }
}
