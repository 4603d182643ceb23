package dev.gatehouse.server.proxy;

import io.netty.channel.EventLoop;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The two {@link IdleTimer}s of an HTTP/1.1 client connection ({@link ProxyHandler}) and what the
 * client timer is counting ({@link Wait}), which says which limit applies: {@code client_header}
 * for a new connection's first request and for a request head that started, {@code client_idle}
 * for the next request, {@code client_body} for pauses in a request body, {@code client_send} for
 * a response the client does not read. The backend timer is the exchange's to start and stop.
 *
 * <p>Time a peer spends waiting for the other side does not count against it: the client's while
 * the backend takes no more of the body, the backend's while the client takes no more of the
 * response. What a timeout does is the connection's business: it gets the {@link Wait} that
 * expired. Loop-confined.
 */
final class ClientTimers {

    /** What the client timer is counting. */
    enum Wait { NONE, FIRST_REQUEST, NEXT_REQUEST, HEAD, BODY, SEND }

    /** After a hitless restart, how long an idle keep-alive connection may wait for a last request. */
    private static final long HANDOVER_IDLE_NANOS = 1_000_000_000L;

    private final ProxyContext.Settings settings;
    /** The connection's exchange, or null between requests. */
    private final Supplier<Exchange> exchange;
    private final Consumer<Wait> clientTimedOut;
    private final IdleTimer client;
    private final IdleTimer backend;
    private Wait wait = Wait.NONE;

    /**
     * @param exchange       the connection's current exchange, or null between requests
     * @param clientTimedOut what the connection does when the client timer expires, given what it counted
     */
    ClientTimers(EventLoop loop, ProxyContext.Settings settings, Supplier<Exchange> exchange, Consumer<Wait> clientTimedOut) {
        this.settings = settings;
        this.exchange = exchange;
        this.clientTimedOut = clientTimedOut;
        this.client = new IdleTimer(loop, this::clientExpired, this::clientPaused);
        this.backend = new IdleTimer(loop, this::backendExpired, this::backendPaused);
    }

    /** Waits for a request: {@code client_header} for the connection's first, {@code client_idle} for the next. */
    void awaitRequest(boolean first) {
        wait = first ? Wait.FIRST_REQUEST : Wait.NEXT_REQUEST;
        client.start(first ? settings.clientHeader() : settings.clientIdle());
    }

    /** Bytes of a new request arrived on an idle connection: the head must now come in time. */
    void requestBytesArrived() {
        if (exchange.get() == null && (wait == Wait.FIRST_REQUEST || wait == Wait.NEXT_REQUEST)) {
            wait = Wait.HEAD;
            client.start(settings.clientHeader());
        }
    }

    /** Whether the connection waits for its next request (not its first) under {@code client_idle}. */
    boolean awaitingNextRequest() {
        return wait == Wait.NEXT_REQUEST && client.isActive();
    }

    /** Since when the client timer counts, on {@link System#nanoTime()}'s scale. */
    long clientIdleSince() {
        return client.lastTouch();
    }

    /** Whether a request head is arriving (bytes came, the head is not complete yet). */
    boolean headArriving() {
        return wait == Wait.HEAD;
    }

    /** The client owes us nothing for now (a request head arrived whole, or its body did). */
    void owedNothing() {
        wait = Wait.NONE;
        client.stop();
    }

    /** The client owes us request body: its pauses count against {@code client_body}. */
    void awaitBody() {
        wait = Wait.BODY;
        client.start(settings.clientBody());
    }

    /** The client must read what was written: its pause counts against {@code client_send}. */
    void awaitClientRead() {
        wait = Wait.SEND;
        client.start(settings.clientSend());
    }

    /**
     * The client reads again.
     *
     * @param bodyPending whether it still owes us request body, whose pauses count again
     */
    void clientReadResumed(boolean bodyPending) {
        if (wait == Wait.SEND) {
            if (bodyPending) {
                awaitBody();
            } else {
                owedNothing();
            }
        }
    }

    /**
     * A new process serves: the connection waits at most a short while for a last request, as by
     * an idle timeout, and what the timer counted is left as it was.
     */
    void awaitLastRequest() {
        client.start(HANDOVER_IDLE_NANOS);
    }

    void touchClient() {
        client.touch();
    }

    void startBackend(long nanos) {
        backend.start(nanos);
    }

    void touchBackend() {
        backend.touch();
    }

    void stopBackend() {
        backend.stop();
    }

    /** The connection closed: neither timer fires any more. */
    void cancel() {
        client.cancel();
        backend.cancel();
    }

    private void clientExpired() {
        clientTimedOut.accept(wait);
        wait = Wait.NONE;
    }

    private boolean clientPaused() {
        // While a body is being read but the backend cannot take more, the client is waiting for us.
        Exchange e = exchange.get();
        return wait == Wait.BODY && e != null && e.clientReadPaused();
    }

    private boolean backendPaused() {
        // While the client cannot take more of the response, the backend is waiting for us.
        Exchange e = exchange.get();
        return e != null && e.upstreamReadPaused();
    }

    private void backendExpired() {
        Exchange e = exchange.get();
        if (e != null) {
            e.backendTimedOut();
        }
    }
}
