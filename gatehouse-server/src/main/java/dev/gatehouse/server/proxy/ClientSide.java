package dev.gatehouse.server.proxy;

import dev.gatehouse.server.tls.ConnectionTls;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;

/**
 * What an {@link Exchange} may ask of the client side it serves, and nothing more: an HTTP/1.1
 * connection ({@link ProxyHandler}) or an HTTP/2 stream ({@link StreamSide}). The exchange never reaches into
 * the connection's fields or pipeline; everything it needs (writing the response, asking for more
 * of the request, the two timers, its end) goes through here.
 *
 * <p>Every method runs on {@link #eventLoop()}, the loop of the exchange and its backend
 * connections.
 */
interface ClientSide {

    /**
     * The channel the requests arrive on: the connection for HTTP/1.x, the stream's child channel
     * for HTTP/2.
     */
    Channel channel();

    /** The loop everything of this client side runs on: the channel's. */
    default EventLoop eventLoop() {
        return channel().eventLoop();
    }

    /** How the client speaks, for the access log and the metrics: {@code h1} (HTTP/1.x) or {@code h2}. */
    String protocol();

    /** A short id for log lines: the channel's. */
    default Object logId() {
        return channel().id();
    }

    /** The client's address. */
    InetSocketAddress remoteAddress();

    /**
     * What the client's connection negotiated: TLS version and verified client certificate
     * subject, or {@link ConnectionTls#NONE} on plaintext. Looked up once per connection
     * ({@link ConnectionTls#of} works on a connection and on an HTTP/2 stream).
     */
    ConnectionTls tls();

    /** The allocator for responses the proxy writes itself: the channel's. */
    default ByteBufAllocator alloc() {
        return channel().alloc();
    }

    /** Queues a response part (head, content, or the last content); {@link #flush} sends it. */
    void write(Object responsePart);

    /** Queues a response part and flushes. */
    void writeAndFlush(Object responsePart);

    /** Sends what was queued. */
    void flush();

    /** Whether the client takes more of the response now (its outbound buffer is below the mark). */
    boolean isWritable();

    /** Whether the client side is going away (a graceful shutdown): responses should close it. */
    boolean draining();

    /** Asks for the next part of the request body; it arrives through {@link Exchange#clientContent}. */
    void readRequest();

    /** The client owes us request body now: its pauses count against {@code client_body}. */
    void awaitBody();

    /** The request body is complete: the client owes us nothing more for now. */
    void bodyComplete();

    /** The client stopped taking the response: its pause counts against {@code client_send}. */
    void awaitClientRead();

    /**
     * The client takes the response again.
     *
     * @param bodyPending whether it still owes us request body, whose pauses count again
     */
    void clientReadResumed(boolean bodyPending);

    /** Bytes of the request body arrived: the client's idle time starts again. */
    void touchClientTimer();

    /** Starts (or restarts) the backend timer: the backend must answer or send within {@code nanos}. */
    void startBackendTimer(long nanos);

    /** The backend sent something: its idle time starts again. */
    void touchBackendTimer();

    /** The backend owes us nothing now. */
    void stopBackendTimer();

    /**
     * The exchange is over.
     *
     * @param keepAlive whether the client side may carry another request; false closes it once
     *                  what was written is flushed
     */
    void exchangeDone(Exchange exchange, boolean keepAlive);

    /**
     * The connection to join to a backend's after a {@code 101}, when this client side can become a
     * tunnel (an HTTP/1.1 connection); null when it cannot (an HTTP/2 stream).
     */
    Channel upgradableChannel();

    /** Cuts the client side now (its framing can no longer be trusted). */
    void close();

    /**
     * Lets up to {@code bytes} of response wait for the client before the backend is read no
     * further (a pool's response buffering): the backend's worker finishes at its own speed and a
     * slow reader holds only this node's memory. A client side whose flow control is its own (an
     * HTTP/2 stream) keeps it.
     */
    default void readAhead(long bytes) {
    }
}
