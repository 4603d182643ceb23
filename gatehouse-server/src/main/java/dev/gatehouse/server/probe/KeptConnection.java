package dev.gatehouse.server.probe;

import dev.gatehouse.server.upstream.BackendTls;
import io.netty.channel.Channel;

/**
 * The open connection one backend's HTTP checks hand from one check to the next, as Envoy's
 * checks do: a check on it costs one request and one response, where a fresh connection costs a
 * connect, a handshake for TLS, a pipeline and a close. At most one per probe. Confined to the
 * probe's event loop.
 *
 * <p>While kept, the connection reads: a backend closing it (an idle timeout shorter than the
 * check interval) is seen at once and the next check connects afresh; bytes nobody asked for
 * close it ({@link HttpCheckHandler}). A connection is only reused with the TLS it was made with.
 */
final class KeptConnection {

    private Channel channel;
    private BackendTls tls;
    private boolean closed;

    /**
     * Takes the kept connection for a check over {@code tls}: null when there is none, or it is
     * closed, or it was made with other TLS (then it is closed). Nothing is kept afterwards.
     */
    Channel take(BackendTls tls) {
        Channel ch = channel;
        channel = null;
        if (ch != null && (this.tls != tls || !ch.isActive())) {
            ch.close();
            return null;
        }
        return ch;
    }

    /** Keeps {@code ch}, made with {@code tls}, for the next check; closes it instead after {@link #close()}. */
    void keep(Channel ch, BackendTls tls) {
        if (closed || !ch.isActive()) {
            ch.close();
            return;
        }
        if (channel != null && channel != ch) {
            channel.close();
        }
        channel = ch;
        this.tls = tls;
    }

    /** Closes the kept connection, if any, and every one offered from now on: the probe stopped. */
    void close() {
        closed = true;
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }
}
