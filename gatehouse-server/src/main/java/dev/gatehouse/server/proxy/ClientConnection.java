package dev.gatehouse.server.proxy;

import io.netty.channel.Channel;

/**
 * One open client connection as the node's {@link ClientConnections} sees it: an HTTP/1.1
 * connection ({@link ProxyHandler}) or an HTTP/2 one (its streams are exchanges of their own).
 */
public interface ClientConnection {

    /** The connection's channel. */
    Channel channel();

    /**
     * Graceful shutdown, on the connection's loop: finish what is in flight, take nothing new, then
     * close (HTTP/1.1: after the current response; HTTP/2: GOAWAY, then close once its streams ended).
     */
    void drain();

    /** Closes the connection now, whatever it is doing (the drain ran out of time). */
    default void closeNow() {
        channel().close();
    }
}
