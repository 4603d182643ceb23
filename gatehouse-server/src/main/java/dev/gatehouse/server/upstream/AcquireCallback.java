package dev.gatehouse.server.upstream;

import io.netty.channel.Channel;

/** Told, on the requester's event loop, how an acquire of a backend connection ended. */
public interface AcquireCallback {

    /**
     * A connection ready for one exchange, owned by the requester until it gives it back.
     *
     * @param reused whether it came from the pool (and so may have been closed by the backend
     *               a moment ago) rather than freshly opened
     */
    void acquired(Channel upstream, boolean reused);

    /** No connection could be opened; {@code cause} tells why (refused, timed out, ...). */
    void acquireFailed(Throwable cause);
}
