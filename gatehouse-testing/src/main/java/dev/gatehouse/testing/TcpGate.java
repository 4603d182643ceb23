package dev.gatehouse.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on loopback between a process and a server, which a test opens and shuts like
 * a network would: {@link #blackhole()} drops every byte both ways from then on (a partition:
 * the peers see silence, not a reset); {@link #pause()} stops forwarding but keeps the bytes, which
 * flow again at {@link #open()}. Opening after a blackhole closes the connections that lost bytes,
 * so that their clients connect again instead of reading a broken stream.
 *
 * <p>Threading: an accepting thread and two pumping threads per connection, all daemons; the
 * state may be changed from any thread. Nothing sleeps: paused pumps wait on a monitor.
 */
public final class TcpGate implements AutoCloseable {

    private enum State { OPEN, PAUSED, BLACKHOLE }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();
    private State state = State.OPEN;
    private volatile boolean closed;

    private TcpGate(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("tcp-gate-" + server.getLocalPort()).start(this::accept);
    }

    /** A gate to {@code host:port}, open. */
    public static TcpGate start(String host, int port) {
        try {
            return new TcpGate(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("tcp gate not started: " + e, e);
        }
    }

    /** A gate to the host and port of an {@code http://host:port} endpoint. */
    public static TcpGate toEndpoint(String endpoint) {
        java.net.URI u = java.net.URI.create(endpoint);
        return start(u.getHost(), u.getPort());
    }

    /** The gate's port on loopback. */
    public int port() {
        return server.getLocalPort();
    }

    /** The gate as an {@code http://127.0.0.1:port} endpoint. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Drops every byte both ways from now on. */
    public void blackhole() {
        set(State.BLACKHOLE);
    }

    /** Stops forwarding; the bytes wait, and flow at {@link #open()}. */
    public void pause() {
        set(State.PAUSED);
    }

    /** Forwards again; connections that lost bytes to a blackhole are closed. */
    public void open() {
        set(State.OPEN);
        for (Link l : links) {
            if (l.damaged) {
                l.close();
            }
        }
    }

    private void set(State next) {
        synchronized (monitor) {
            state = next;
            monitor.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                Link link = new Link(client, upstream);
                links.add(link);
                Thread.ofPlatform().daemon().start(() -> link.pump(client, upstream));
                Thread.ofPlatform().daemon().start(() -> link.pump(upstream, client));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** One forwarded connection. */
    private final class Link {
        private final Socket a;
        private final Socket b;
        private volatile boolean damaged;

        Link(Socket a, Socket b) {
            this.a = a;
            this.b = b;
        }

        void pump(Socket from, Socket to) {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!pass()) {
                        damaged = true;
                        continue;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // One side closed or broke: the other goes too.
            } finally {
                close();
            }
        }

        /** Whether bytes read now may pass: waits while paused; false while blackholed. */
        private boolean pass() throws InterruptedException {
            synchronized (monitor) {
                while (state == State.PAUSED && !closed) {
                    monitor.wait();
                }
                return state == State.OPEN && !damaged;
            }
        }

        void close() {
            links.remove(this);
            try {
                a.close();
            } catch (IOException ignored) {
                // closing
            }
            try {
                b.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        set(State.OPEN);
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Link l : links) {
            l.close();
        }
    }
}
