package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.request.RetryPolicy;
import dev.gatehouse.server.upstream.AcquireCallback;
import dev.gatehouse.server.upstream.BackendTls;
import dev.gatehouse.server.upstream.LoopPool;
import dev.gatehouse.server.upstream.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One try of an exchange on one backend: the backend slot it holds, the connection (pooled or new),
 * the request head and body sent on it, and the response read from it, with flow control both
 * ways: a request body part is read from the client only while the backend connection is
 * writable, and the backend is read only while the client is writable. Nothing is buffered beyond
 * Netty's outbound water marks.
 *
 * <p>The try decides nothing about the exchange: what a failure means (retry, error, cut) and how a
 * response head is answered are the {@link Exchange}'s. Its connection goes back to the pool only
 * after a complete exchange on both sides ({@link #finish}); any other ending closes it. A pooled
 * connection that the backend closed just as we reused it is replaced once, on the same backend,
 * when the request is safe to send again. Loop-confined.
 */
final class BackendTry implements UpstreamListener, AcquireCallback {

    private final Exchange exchange;
    private final ClientSide client;
    private final LoopPool loopPool;
    private final Member member;
    /** The backend slot, released exactly once in {@link #releaseTicket}. */
    private Ticket ticket;
    private final long startNanos;
    private Channel upstream;
    /** The connection came from the pool (so the backend may have closed it meanwhile). */
    private boolean reused;
    /** A stale pooled connection was already replaced once. */
    private boolean replacedStale;
    /** Some of the request was written to the connection (so it may have been sent). */
    private boolean sent;
    /** Skipping the parts of an interim (1xx) response. */
    private boolean interim;
    /** The connection may go back to the pool once both sides are complete. */
    private boolean reusable;
    /** The body's temporary file is being sent: the request is not complete on this connection. */
    private boolean sendingFile;
    /** The client cannot take more of the response: the backend is not read until it can. */
    private boolean readPaused;
    /** The backend answered 101 to an upgrade: the next part is the 101's end, then the tunnel. */
    private boolean switching;
    /** When the 101 arrived: a tunnel's slot is released with the handshake's latency, not its lifetime. */
    private long switchedNanos;
    /**
     * When the request head went to a connection, 0 before. The latency sample counts from here,
     * not from the grant: a new connection's handshake says how warm the connection pool was, not
     * how fast the backend is, and a backend whose first sample carried one looked slower than the
     * others and got no requests at low load (docs/balancing.md, "Spread at low load").
     */
    private long sentNanos;
    /** The timeout of the current wait for the response head, for messages. */
    private long headTimeoutNanos;

    BackendTry(Exchange exchange, ClientSide client, LoopPool loopPool, Ticket ticket) {
        this.exchange = exchange;
        this.client = client;
        this.loopPool = loopPool;
        this.ticket = ticket;
        this.member = ticket.member();
        this.startNanos = exchange.context().clock().nanoTime();
        exchange.facts().span().tryStarted(member.backend(), exchange.tried().size() + 1);
    }

    Member member() {
        return member;
    }

    Backend backend() {
        return member.backend();
    }

    long startNanos() {
        return startNanos;
    }

    boolean connected() {
        return upstream != null;
    }

    boolean sent() {
        return sent;
    }

    boolean readPaused() {
        return readPaused;
    }

    /** The timeout of the last wait for the response head, in nanoseconds. */
    long headTimeoutNanos() {
        return headTimeoutNanos;
    }

    /** Asks the loop's pool for a connection to the backend. */
    void connect() {
        loopPool.acquire(backend().address(), tls(), this, this, false);
    }

    /** The pool's TLS to its backends, or null for plain HTTP. */
    private BackendTls tls() {
        return exchange.context().upstreams().tls(exchange.pool().config().tls());
    }

    // ---------------------------------------------------------------- connection

    @Override
    public void acquired(Channel ch, boolean reused) {
        if (exchange.ended()) {
            // The client left while we were connecting; the connection was never used.
            loopPool.release(ch);
            return;
        }
        upstream = ch;
        this.reused = reused;
        sent = false;
        sentNanos = exchange.context().clock().nanoTime();
        exchange.facts().span().connected(reused);
        exchange.connected();
        HttpRequest out = RequestReplay.backendRequest(exchange.request(), exchange.expectsBody());
        // Whether any of the request reached the socket decides whether a POST may be retried. An
        // idempotent request is retried either way, so it spares the promise and its listener.
        ChannelPromise headWritten;
        if (exchange.idempotent()) {
            sent = true;
            headWritten = ch.voidPromise();
        } else {
            headWritten = ch.newPromise().addListener(f -> {
                if (f.isSuccess() && ch == upstream) {
                    sent = true;
                }
            });
        }
        if (exchange.tried().size() > 1 || replacedStale || exchange.body().started()) {
            // A retry, or a body read before the slot (BodyIntake): the head, then what is kept.
            RequestReplay.send(this, exchange, client, ch, out, headWritten);
            return;
        }
        if (exchange.expectsBody()) {
            // Flush now: the backend may answer "100 Continue" before the client sends any body.
            upstream.writeAndFlush(out, headWritten);
            client.awaitBody();
        } else {
            upstream.write(out, headWritten);
        }
        upstream.read();
        client.readRequest();
    }

    @Override
    public void acquireFailed(Throwable cause) {
        if (!exchange.ended()) {
            exchange.failures().connectFailed(this, cause);
        }
    }

    /** Starts waiting for the response head: the per-try timeout, cut short by the deadline. */
    void awaitHead() {
        headTimeoutNanos = exchange.context().retries().tryTimeoutNanos(exchange.pool(),
                exchange.context().settings().backendResponseHeader(), exchange.deadlineNanos());
        client.startBackendTimer(headTimeoutNanos);
    }

    // ---------------------------------------------------------------- request body

    /** Sends a part of the request body. Takes ownership of {@code content}. */
    void sendBody(HttpContent content, boolean last) {
        upstream.writeAndFlush(content, upstream.voidPromise());
        if (last) {
            exchange.requestComplete();
            if (!exchange.streaming()) {
                awaitHead();
            }
        } else if (upstream.isWritable()) {
            client.readRequest();
        } else {
            exchange.body().paused(true, exchange.context().clock().nanoTime());
            if (!exchange.streaming()) {
                // The backend is not reading the body: that is its pause to answer for.
                client.startBackendTimer(exchange.context().settings().backendIdle());
            }
        }
    }

    /** Whether {@code ch} is still this try's connection and the exchange goes on. */
    boolean current(Channel ch) {
        return ch == upstream && !exchange.ended();
    }

    /** Whether the body's temporary file is being sent (the client is not read meanwhile). */
    void sendingFile(boolean sending) {
        sendingFile = sending;
    }

    @Override
    public void upstreamWritabilityChanged(Channel ch) {
        if (sendingFile) {
            // The file's own sender waits for each part to be written; the client is not read.
            return;
        }
        if (exchange.body().paused() && ch.isWritable() && !exchange.ended()) {
            exchange.body().paused(false, exchange.context().clock().nanoTime());
            if (!exchange.streaming()) {
                client.stopBackendTimer();
            }
            client.touchClientTimer();
            client.readRequest();
        }
    }

    // ---------------------------------------------------------------- response

    @Override
    public void upstreamRead(Channel ch, HttpObject msg) {
        if (exchange.ended() || ch != upstream) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            responseHead(response);
            if (ch != upstream) {
                // The response was dropped for a retry, with its connection.
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            responseContent(content);
        }
    }

    private void responseHead(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            exchange.endings().backendFailed("invalid response from backend: " + response.decoderResult().cause().getMessage());
            return;
        }
        HttpResponseStatus st = response.status();
        if (st.codeClass() != HttpStatusClass.INFORMATIONAL) {
            interim = false;
            reusable = exchange.finalResponse(this, response);
            return;
        }
        if (st.code() == 101) {
            String refused = exchange.upgrading() ? UpgradeRequest.refusal(response, exchange.webSocketUpgrade())
                    : "backend switched protocols without being asked to";
            if (refused != null) {
                exchange.endings().backendFailed(refused);
                return;
            }
            switching = true;
            switchedNanos = exchange.context().clock().nanoTime();
            reusable = false;
            exchange.switchingProtocols(this, response);
            return;
        }
        interim = true;
        // 1xx responses are hop-by-hop news for the client; HTTP/1.0 clients do not understand them.
        if (exchange.request().protocolVersion() == HttpVersion.HTTP_1_1) {
            HttpResponse copy = new DefaultHttpResponse(HttpVersion.HTTP_1_1, st);
            copy.headers().set(response.headers());
            HeaderRewriter.removeHopByHop(copy.headers());
            client.write(copy);
            client.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private void responseContent(HttpContent content) {
        if (switching) {
            // The 101's (empty) end: from the next byte on, the backend speaks the new protocol.
            content.release();
            Channel ch = upstream;
            upstream = null;
            exchange.openTunnel(this, ch);
            return;
        }
        if (interim) {
            // The empty end of an interim response; the final one is still to come.
            content.release();
            interim = false;
            if (exchange.body().done() && !exchange.streaming()) {
                awaitHead();
            }
            return;
        }
        if (!exchange.streaming()) {
            content.release();
            exchange.endings().backendFailed("response body without a response head");
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            exchange.endings().abort("invalid response body from backend: " + content.decoderResult().cause().getMessage(), Outcome.FAILURE);
            return;
        }
        content = exchange.answers().responseContent(content);
        exchange.facts().responseBytes(content.content().readableBytes());
        client.touchBackendTimer();
        if (content instanceof LastHttpContent) {
            client.writeAndFlush(content);
            if ((!exchange.body().done() && exchange.expectsBody()) || sendingFile) {
                // The backend answered before the whole body arrived (e.g. a 413 or a redirect).
                // Whatever the client still sends cannot be told apart from its next request.
                reusable = false;
                exchange.endings().responseEndedEarly();
            } else {
                exchange.endings().responseEnded();
            }
        } else {
            client.write(content);
        }
    }

    @Override
    public void upstreamReadComplete(Channel ch) {
        if (exchange.ended()) {
            return;
        }
        client.flush();
        if (client.isWritable()) {
            ch.read();
        } else if (!readPaused) {
            readPaused = true;
            // The client is not reading: its pause, bounded by client_send.
            client.awaitClientRead();
        }
    }

    /** The client's writability changed: resume reading the backend if we paused for it. */
    void clientWritabilityChanged() {
        if (readPaused && client.isWritable() && !exchange.ended() && upstream != null) {
            readPaused = false;
            client.clientReadResumed(!exchange.body().done() && exchange.expectsBody());
            client.touchBackendTimer();
            upstream.read();
        }
    }

    @Override
    public void upstreamClosed(Channel ch, Throwable cause) {
        if (exchange.ended() || ch != upstream) {
            return;
        }
        upstream = null;
        if (RetryPolicy.mayReplaceStaleConnection(reused, replacedStale, exchange.streaming(), interim,
                exchange.body().done(), exchange.expectsBody(), exchange.idempotent())) {
            // A pooled connection the backend closed as we reused it (its keep-alive timeout
            // raced our pick): nothing was answered and the request is safe to send again.
            replacedStale = true;
            client.stopBackendTimer();
            Exchange.LOG.debug("{} request {}: pooled connection to {} was closed, retrying on a new one",
                    client.logId(), exchange.requestId(), backend().address());
            loopPool.acquire(backend().address(), tls(), this, this, true);
            return;
        }
        exchange.failures().connectionLost(this, cause);
    }

    // ---------------------------------------------------------------- endings

    /**
     * The exchange is complete: the connection goes back to the pool if both sides ended cleanly,
     * else it is closed; the slot is given back with the latency sample.
     */
    void finish(boolean requestComplete) {
        releaseTicket(Outcome.SUCCESS);
        if (upstream != null) {
            if (reusable && requestComplete && !sendingFile) {
                loopPool.release(upstream);
            } else {
                loopPool.discard(upstream);
            }
            upstream = null;
        }
    }

    /** The try is over without a clean end: the slot is given back and the connection closed. */
    void abandon(Outcome outcome) {
        readPaused = false;
        releaseTicket(outcome);
        if (upstream != null) {
            loopPool.discard(upstream);
            upstream = null;
        }
    }

    /** Gives the backend slot back now (a tunnel that does not hold one), with the handshake's latency. */
    void releaseSlot() {
        releaseTicket(Outcome.SUCCESS);
    }

    /** Gives the backend slot back, exactly once; a success carries the latency sample. */
    private void releaseTicket(Outcome outcome) {
        if (ticket != null) {
            Ticket t = ticket;
            ticket = null;
            long end = switchedNanos != 0 ? switchedNanos : exchange.context().clock().nanoTime();
            long from = sentNanos != 0 ? sentNanos : startNanos;
            t.release(outcome == Outcome.SUCCESS ? end - from : -1, outcome);
        }
    }
}
