package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.request.RetryPolicy;
import dev.gatehouse.core.request.TargetChooser;
import dev.gatehouse.core.route.Router;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response, from the client's request head to the last byte of the response
 * (or the end of the tunnel it became): the coordinator of the pieces that do the work.
 *
 * <p>Design notes. The exchange moves through {@link ExchangeState}s: {@code HEAD} (checks and routing,
 * {@link RequestHead}), {@code QUEUED} (waiting for a backend slot: {@link SlotRequest} asks the
 * admission for the first try and for each retry, {@link QueueWait} bounds the wait),
 * {@code CONNECTING}, {@code SENDING} and {@code AWAITING_HEAD} (one {@link BackendTry} at a time, with
 * the head {@link UpstreamHead} made ready for it; a failed try is judged by {@link TryFailures}, and a
 * retry starts another), {@code STREAMING} (the response head went to the client; from then on only
 * a cut can end it badly), {@code LOCAL} (the route answers by itself: a redirect,
 * {@link RedirectAnswer}, or a static file, {@link StaticAnswer}), {@code TUNNEL} (a {@code 101}, {@link TunnelHandoff}), {@code DONE}. The
 * request body is a dimension of its own (it may still stream while the response does):
 * {@link RequestBody}. The exchange ends exactly once ({@link Endings}): the response completed
 * ({@link Endings#responseEnded}), the proxy answered with an error before any response byte
 * ({@link Endings#fail(ProxyError, String)}), the exchange was cut ({@link Endings#abort},
 * {@link #clientClosed}), or its tunnel ended ({@link Endings#tunnelEnded}); each is logged once
 * ({@link ExchangeLog}, which reads {@link ExchangeFacts} beside the outcome). Which backends
 * may serve and whether to retry are decided in core ({@link TargetChooser}, {@link RetryPolicy}).
 * Everything runs on the client's event loop, which is also the loop of the backend connections
 * (pools are per loop), so no field needs synchronization. The client side is reached only
 * through {@link ClientSide}.
 */
final class Exchange {

    static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    /** The pool's epoch of the version that served the response, on pools that were cut over. */
    static final String EPOCH_HEADER = "X-Gatehouse-Epoch";

    private final ClientSide client;
    private final ProxyContext context;
    private final HttpRequest request;
    /** Asks for a backend slot (first try and retries) and keeps the deadline. */
    private final SlotRequest slots;
    private final ExchangeFacts facts;
    private final RequestBody body = new RequestBody();
    /** Created on the first failed try, and for an upgrade's 101: most exchanges need neither. */
    private TryFailures failures;
    private TunnelHandoff tunnel;
    private final ResponseStart responses;
    private final Endings endings;
    private ExchangeState state = ExchangeState.HEAD;
    private String requestId;
    private RequestHead head = RequestHead.UNCHECKED;
    private boolean clientKeepAlive;
    private PoolSnapshot pool;
    /** The route's own answer (a redirect, a static file) and its cache. */
    private final RouteAnswers answers = new RouteAnswers();
    /** The current try, or the last one once the exchange ended; null before any. */
    private BackendTry current;
    /** The backends tried so far, and what the balancer may read of the request. */
    private final TriedBackends tried;
    /** The request head as the backends get it. */
    private final UpstreamHead upstreamHead;
    /** The largest request body, 0 for none: the node's until routed, then the route's. */
    private long maxBody;

    Exchange(ClientSide client, ProxyContext context, HttpRequest request) {
        this.client = client;
        this.context = context;
        this.request = request;
        long startNanos = context.clock().nanoTime();
        this.tried = new TriedBackends(request, client);
        this.endings = new Endings(this, context, client);
        this.slots = new SlotRequest(this, context, client, tried);
        this.facts = new ExchangeFacts(client, tried, slots.queue(), startNanos);
        this.responses = new ResponseStart(this, context);
        this.upstreamHead = new UpstreamHead(request, context, client);
    }

    // ---------------------------------------------------------------- request head

    /** Validates, routes and picks a backend, then asks for a connection to it. */
    void start() {
        requestId = RequestIds.of(request.headers());
        context.tracing().open(this);
        maxBody = context.settings().maxRequestBody();
        head = RequestHead.check(request, context.limits().maxHeaders(), context.settings());
        clientKeepAlive = head.keepAlive();
        if (head.error() != null) {
            endings.refused(head);
            return;
        }
        tried.path(head.target().path());
        Snapshot snapshot = context.snapshots().current();
        Router.Route match = snapshot.routers().get(context.listenerIndex()).match(head.target().host(), head.target().path());
        if (match == null) {
            endings.fail(ProxyError.NO_ROUTE, "no route");
            return;
        }
        RouteConfig route = match.config();
        pool = route.pool() == null ? null : snapshot.pool(route.pool());
        maxBody = route.maxRequestBody(maxBody);
        Refusal refusal = context.limits().checkRoute(match, maxBody, head.contentLength(), tried);
        String stale = refusal != null || pool == null ? null : context.fleet().refusal(pool.name());
        if (refusal != null || stale != null) {
            endings.refuseOrFail(refusal, ProxyError.NODE_STALE, stale);
            return;
        }
        state = ExchangeState.LOCAL;
        if (answers.start(this, client, context, route, pool, head.contentLength())) {
            return;
        }
        forward();
    }

    /**
     * Sends the request to the route's pool: the body's retry buffer, then the body itself in a
     * pool that reads it first ({@link BodyIntake}), then the first slot.
     */
    void forward() {
        state = ExchangeState.HEAD;
        body.keepLimit(pool.config().retry().bufferBody());
        if (BodyIntake.buffers(this, context)) {
            state = ExchangeState.BUFFERING;
            BodyIntake.start(this, client, context);
            return;
        }
        slots.first(facts.startNanos());
    }

    /** The body was read, or its buffer's bounds reached: the request asks for its slot now. */
    void buffered() {
        state = ExchangeState.HEAD;
        slots.first(context.clock().nanoTime());
    }

    /** The request waits in the pool's queue for a slot. */
    void queued() {
        state = ExchangeState.QUEUED;
    }

    boolean ended() {
        return state == ExchangeState.DONE;
    }

    /** A backend slot is ours: rewrite the head for it and get a connection. */
    void granted(Ticket ticket) {
        state = ExchangeState.CONNECTING;
        current = new BackendTry(this, client, context.upstreams().forLoop(client.eventLoop()), ticket);
        upstreamHead.forTry(current.member(), tried.isEmpty(), requestId, facts.trace(), head.upgrade());
        tried.add(current.member());
        current.connect();
    }

    /** A retry to one of {@code candidates}: the current try is given up, admission asked again. */
    void retryOn(List<Member> candidates, ProxyError onReject, String rejectWhy) {
        client.stopBackendTimer();
        current.abandon(Outcome.FAILURE);
        slots.retry(candidates, onReject, rejectWhy);
    }

    // ---------------------------------------------------------------- for the try

    /** The try has its connection. */
    void connected() {
        state = body.done() ? ExchangeState.AWAITING_HEAD : ExchangeState.SENDING;
    }

    /** The last request part went to the backend. */
    void requestComplete() {
        body.done(true);
        client.bodyComplete();
        if (state == ExchangeState.SENDING) {
            state = ExchangeState.AWAITING_HEAD;
        }
    }

    TryFailures failures() {
        if (failures == null) {
            failures = new TryFailures(this, context, client);
        }
        return failures;
    }

    /**
     * The backend's final response head: retried if its status says so, else rewritten and framed
     * for the client and sent ({@link ResponseStart}).
     *
     * @return whether the backend connection may be reused once the exchange completes
     */
    boolean finalResponse(BackendTry t, HttpResponse response) {
        int code = response.status().code();
        if (code < 500) {
            pool.health().succeeded(t.member());
        } else if (failures().retriedOnStatus(t, code)) {
            return false;
        }
        ResponseFraming backend = ResponseFraming.of(response, HttpMethod.HEAD.equals(request.method()));
        RouteAnswers.Head route = answers.responseHead(request, code, response);
        if (route == RouteAnswers.Head.ANSWERED) {
            return false;
        }
        facts.status(response.status().code());
        ResponseStart.Framed framing = responses.frame(t, response, clientKeepAlive && !client.draining(),
                route == RouteAnswers.Head.RECODED ? backend.recoded() : backend);
        answers.decorate(response.headers());
        clientKeepAlive = framing.clientKeepAlive();
        state = ExchangeState.STREAMING;
        if (pool.config().admission().bufferBodies()) {
            client.readAhead(context.settings().bufferResponse());
        }
        client.startBackendTimer(context.settings().backendIdle());
        client.write(response);
        return framing.backendReusable();
    }

    ResponseStart responses() {
        return responses;
    }

    /** Whether the request asked to switch protocols (a {@code 101} is then welcome). */
    boolean upgrading() {
        return head.upgrade() != null;
    }

    /** Whether the request asked to switch to WebSocket. */
    boolean webSocketUpgrade() {
        return head.upgrade() != null && head.upgrade().webSocket();
    }

    /** The backend agreed to switch protocols: the {@code 101} goes to the client; the tunnel opens next. */
    void switchingProtocols(BackendTry t, HttpResponse response) {
        facts.status(response.status().code());
        state = ExchangeState.TUNNEL;
        tunnel = new TunnelHandoff(this, context, client);
        tunnel.switching(t, response);
    }

    /** The 101 is complete: the connections become a tunnel. */
    void openTunnel(BackendTry t, Channel backend) {
        tunnel.open(t, backend, head.upgrade().webSocket());
    }

    /** The node is shutting down: a tunnel ends cleanly; a request in flight finishes. */
    void drain() {
        if (state == ExchangeState.TUNNEL && tunnel != null) {
            tunnel.drain();
        }
    }

    // ---------------------------------------------------------------- from the client side

    /** A part of the request body from the client. Takes ownership of {@code content}. */
    void clientContent(HttpContent content) {
        if (ended() || body.done()) {
            content.release();
            return;
        }
        ProxyError refused = body.refuse(content, maxBody);
        if (refused != null) {
            endings.clientFailed(refused, body.refusal(),
                    refused == ProxyError.BODY_TOO_LARGE ? ClientLimit.REQUEST_BODY : null);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        String slow = last ? null : body.tooSlow(context.clock().nanoTime(), context.settings().clientBody(),
                context.settings().minRequestRate(), context.settings().requestDeadline());
        if (slow != null) {
            content.release();
            endings.clientFailed(ProxyError.CLIENT_TIMEOUT, slow, ClientLimit.CLIENT_BODY);
            return;
        }
        if (answers.content(content)) {
            return;
        }
        client.touchClientTimer();
        if (state == ExchangeState.BUFFERING) {
            BodyIntake.part(this, client, context, content, last);
            return;
        }
        if (current == null || !current.connected()) {
            // A retry is connecting: hold the part for the next backend and read no further until then.
            body.hold(content);
            body.paused(true, context.clock().nanoTime());
            if (last) {
                body.done(true);
                client.bodyComplete();
            }
            return;
        }
        if (head.expectsBody() && pool.config().retry().maxRetries() > 0) {
            body.keep(content);
        }
        current.sendBody(content, last);
    }

    /** The client's writability changed. */
    void clientWritabilityChanged() {
        if (!answers.clientWritabilityChanged() && current != null) {
            current.clientWritabilityChanged();
        }
    }

    /** Whether the client is not read because the backend cannot take more (its pause is ours). */
    boolean clientReadPaused() {
        return body.paused();
    }

    /** Whether the backend is not read because the client cannot take more (its pause is the client's). */
    boolean upstreamReadPaused() {
        return current != null && current.readPaused();
    }

    void clientSendTimedOut() {
        endings.abort("client did not read the response for " + context.settings().clientSend() / 1_000_000 + " ms", Outcome.DROPPED);
    }

    void clientTimedOut() {
        endings.clientFailed(ProxyError.CLIENT_TIMEOUT, "client_body: no body data for "
                + context.settings().clientBody() / 1_000_000 + " ms", ClientLimit.CLIENT_BODY);
    }

    void backendTimedOut() {
        if (!ended()) {
            failures().timedOut(current, slots.deadlineNanos());
        }
    }

    /** The client connection closed mid-exchange. */
    void clientClosed() {
        endings.clientClosed();
    }

    // ---------------------------------------------------------------- state, for the pieces and the log

    /** Moves to DONE; false when the exchange had already ended (every ending happens once). */
    boolean finish() {
        if (state == ExchangeState.DONE) {
            return false;
        }
        state = ExchangeState.DONE;
        return true;
    }

    Endings endings() {
        return endings;
    }

    ExchangeState state() {
        return state;
    }

    QueueWait queue() {
        return slots.queue();
    }

    /** The route's own answer and cache, for the pieces that step in. */
    RouteAnswers answers() {
        return answers;
    }

    /** The request path, as routes match it. */
    String requestPath() {
        return head.target().path();
    }

    BackendTry currentTry() {
        return current;
    }

    boolean clientKeepAlive() {
        return clientKeepAlive;
    }

    void clientKeepAlive(boolean keepAlive) {
        clientKeepAlive = keepAlive;
    }

    boolean streaming() {
        return state == ExchangeState.STREAMING;
    }

    ProxyContext context() {
        return context;
    }

    RequestBody body() {
        return body;
    }

    boolean expectsBody() {
        return head.expectsBody();
    }

    boolean idempotent() {
        return RetryPolicy.isIdempotent(request.method().name());
    }

    List<Member> tried() {
        return tried.list();
    }

    long deadlineNanos() {
        return slots.deadlineNanos();
    }

    ExchangeFacts facts() {
        return facts;
    }

    String requestId() {
        return requestId;
    }

    HttpRequest request() {
        return request;
    }

    PoolSnapshot pool() {
        return pool;
    }

    Backend backend() {
        return current == null ? null : current.backend();
    }
}
