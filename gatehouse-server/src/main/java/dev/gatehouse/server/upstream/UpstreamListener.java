package dev.gatehouse.server.upstream;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpObject;

/**
 * Receives what happens on a backend connection while an exchange owns it. Every method runs on
 * the connection's event loop, which is also the owner's.
 */
public interface UpstreamListener {

    /** A decoded response part; the listener owns it and must release it. */
    void upstreamRead(Channel upstream, HttpObject msg);

    /** A batch of reads ended: a good moment to flush towards the client. */
    void upstreamReadComplete(Channel upstream);

    /** The connection's outbound buffer crossed a water mark. */
    void upstreamWritabilityChanged(Channel upstream);

    /** The connection closed or failed; no more events follow. */
    void upstreamClosed(Channel upstream, Throwable cause);
}
