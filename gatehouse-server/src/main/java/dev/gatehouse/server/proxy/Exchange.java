package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Admit;
import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.core.request.FailureKind;
import dev.gatehouse.core.request.RetryAttempt;
import dev.gatehouse.core.request.RetryDecision;
import dev.gatehouse.core.request.RetryPolicy;
import dev.gatehouse.core.request.Target;
import dev.gatehouse.core.request.TargetChooser;
import dev.gatehouse.core.route.Router;
import dev.gatehouse.core.state.Backend;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.sticky.StickyCookies;
import dev.gatehouse.server.tunnel.Tunnel;
import dev.gatehouse.server.tunnel.TunnelInfo;
import dev.gatehouse.server.tunnel.TunnelStats;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response, from the client's request head to the last byte of the response:
 * the coordinator of the pieces that do the work.
 *
 * <p>Design notes. The exchange moves through {@link State}s: {@code HEAD} (checks and routing,
 * {@link RequestTarget}), {@code QUEUED} (waiting for a backend slot, {@link QueueWait}),
 * {@code CONNECTING}, {@code SENDING} and {@code AWAITING_HEAD} (one {@link BackendTry} at a time;
 * a retry starts another), {@code STREAMING} (the response head went to the client; from then on
 * only a cut can end it badly), {@code DONE}. The request body is a dimension of its own (it may
 * still stream while the response does), tracked by {@code requestDone}. The exchange ends in
 * exactly one of three ways, each exactly once: the response completed ({@link #responseEnded}),
 * the proxy answered with an error before any response byte ({@link #fail}), or the exchange was
 * cut after the response started or because the client left ({@link #abort}, {@link #clientClosed});
 * each logs once ({@link ExchangeLog}). Everything runs on the client's event loop, which is also
 * the loop of the backend connections (pools are per loop), so no field needs synchronization.
 * The client side is reached only through {@link ClientSide}.
 */
final class Exchange implements PickContext, QueueWait.Outcomes {

    static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    /** The pool's epoch of the version that served the response, on pools that were cut over. */
    static final String EPOCH_HEADER = "X-Gatehouse-Epoch";

    /** Where the exchange is. */
    enum State {
        /** The request head is being checked and routed. */
        HEAD,
        /** Waiting in the pool's queue for a backend slot. */
        QUEUED,
        /** A backend slot is held; the connection is being acquired. */
        CONNECTING,
        /** The request is being sent; the response head may already be awaited. */
        SENDING,
        /** The whole request was sent; waiting for the response head. */
        AWAITING_HEAD,
        /** The response head went to the client; its body is streaming. */
        STREAMING,
        /** The backend switched protocols ({@code 101}): the connections are a tunnel until one side ends it. */
        TUNNEL,
        /** Ended; nothing more happens. */
        DONE
    }

    private final ClientSide client;
    private final ProxyContext context;
    private final HttpRequest request;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final boolean head;
    private final HttpVersion clientVersion;
    private final QueueWait queue;
    private State state = State.HEAD;
    private String requestId;
    private RequestTarget target;
    /** What the request asks to switch to, or null for an ordinary request. */
    private UpgradeRequest upgrade;
    /** The tunnel, once the backend switched protocols. */
    private Tunnel tunnel;
    private boolean clientKeepAlive;
    private boolean expectsBody;
    private PoolSnapshot pool;
    /** The current try, or the last one once the exchange ended; null before any. */
    private BackendTry current;
    /** The backends tried so far, the current one included; read by admission through {@link #excludes}. */
    private List<Member> tried = List.of();
    /** The request's Host header is the backend's address, set by us (the client sent none). */
    private boolean hostIsBackend;
    /** The request body parts kept for a retry; null until a body part arrives (or retries are off). */
    private BodyReplay replay;
    /** When the last try must have its response head, System.nanoTime; Long.MAX_VALUE for none. */
    private long deadlineNanos = Long.MAX_VALUE;
    /** The client's last request part arrived (and was sent on when a backend connection exists). */
    private boolean requestDone;
    /** The client is not read: the backend cannot take more body, or a retry is connecting. */
    private boolean bodyPaused;
    private int status;
    private long bytesIn;
    private long bytesOut;

    Exchange(ClientSide client, ProxyContext context, HttpRequest request) {
        this.client = client;
        this.context = context;
        this.request = request;
        this.head = HttpMethod.HEAD.equals(request.method());
        this.clientVersion = request.protocolVersion();
        this.queue = new QueueWait(client.eventLoop(), this);
    }

    // ---------------------------------------------------------------- request head

    /** Validates, routes and picks a backend, then asks for a connection to it. */
    void start() {
        HttpHeaders h = request.headers();
        String incomingId = h.get(HeaderRewriter.X_REQUEST_ID);
        requestId = RequestIds.isAcceptable(incomingId) ? incomingId : RequestIds.generate();
        if (request.decoderResult().isFailure()) {
            fail(ErrorResponses.classify(request.decoderResult()), "malformed request: " + request.decoderResult().cause().getMessage());
            return;
        }
        if (clientVersion != HttpVersion.HTTP_1_1 && clientVersion != HttpVersion.HTTP_1_0) {
            fail(ProxyError.VERSION_NOT_SUPPORTED, "unsupported version " + clientVersion);
            return;
        }
        clientKeepAlive = HttpUtil.isKeepAlive(request);
        if (HttpMethod.CONNECT.equals(request.method())) {
            fail(ProxyError.NOT_IMPLEMENTED, "CONNECT is not supported");
            return;
        }
        target = RequestTarget.check(request);
        if (target.problem() != null) {
            fail(ProxyError.BAD_REQUEST, target.problem());
            return;
        }
        upgrade = UpgradeRequest.of(request);
        if (upgrade != null && upgrade.problem() != null) {
            fail(ProxyError.BAD_REQUEST, upgrade.problem());
            return;
        }
        long length = HttpUtil.getContentLength(request, -1L);
        expectsBody = length > 0 || HttpUtil.isTransferEncodingChunked(request);
        long max = context.settings().maxRequestBody();
        if (max > 0 && length > max) {
            fail(ProxyError.BODY_TOO_LARGE, "content-length " + length + " over " + max);
            return;
        }
        Snapshot snapshot = context.snapshots().current();
        Router router = snapshot.routers().get(context.listenerIndex());
        RouteConfig route = router.route(target.host(), target.path());
        if (route == null) {
            fail(ProxyError.NO_ROUTE, "no route");
            return;
        }
        pool = snapshot.pool(route.pool());
        pool.retryBudget().recordRequest();
        deadlineNanos = RetryPolicy.deadline(pool, startNanos);
        StickyCookies sticky = pool.sticky();
        Target chosen = context.targets().choose(pool, sticky == null ? null : cookie(sticky.name()));
        admit(pool.admission().admit(chosen.candidates(), pool.balancer(), this, chosen.pinned(), queue), ProxyError.NO_BACKEND,
                "pool " + pool.name() + " has no available backend: ");
    }

    /** Acts on the admission's answer: a slot now, a wait in the queue, or an error. */
    private void admit(Admit admit, ProxyError onReject, String rejectWhy) {
        switch (admit) {
            case Admit.Granted g -> granted(g.ticket());
            case Admit.Queued q -> enqueue();
            case Admit.Rejected r -> fail(onReject, rejectWhy + r.reason());
        }
    }

    /** Waits in the pool's queue; its timeout answers 503, a grant resumes the exchange. */
    private void enqueue() {
        state = State.QUEUED;
        long timeout = pool.admission().config().queue().timeout().toNanos();
        if (!tried.isEmpty() && deadlineNanos != Long.MAX_VALUE) {
            // A retry waits no longer than the deadline leaves.
            timeout = Math.min(timeout, Math.max(0, deadlineNanos - System.nanoTime()));
        }
        queue.start(pool.admission(), timeout);
    }

    @Override
    public boolean ended() {
        return state == State.DONE;
    }

    @Override
    public void timedOut() {
        if (!tried.isEmpty() && System.nanoTime() >= deadlineNanos) {
            fail(ProxyError.BACKEND_TIMEOUT, "no response within the deadline of "
                    + pool.config().retry().deadline().toMillis() + " ms (the retry waited for a backend slot)");
            return;
        }
        fail(ProxyError.NO_BACKEND, "no backend slot within the queue timeout of "
                + pool.admission().config().queue().timeout().toMillis() + " ms");
    }

    @Override
    public void rejected(String reason) {
        fail(ProxyError.NO_BACKEND, "pool " + pool.name() + " had no place for the request after a cutover: " + reason);
    }

    /** A backend slot is ours: rewrite the head for it and get a connection. */
    @Override
    public void granted(Ticket ticket) {
        state = State.CONNECTING;
        current = new BackendTry(this, client, context.upstreams().forLoop(client.eventLoop()), ticket);
        Member member = current.member();
        HttpHeaders h = request.headers();
        if (tried.isEmpty()) {
            context.rewriter().rewriteRequest(h, clientVersion, client.remoteAddress().getAddress(), context.scheme(), requestId);
            hostIsBackend = !h.contains(HttpHeaderNames.HOST);
            if (upgrade != null) {
                upgrade.restoreHeaders(h);
            }
        }
        tried = tried.isEmpty() ? List.of(member) : append(tried, member);
        if (hostIsBackend) {
            // The client sent no Host (HTTP/1.0): name the backend this try goes to.
            h.set(HttpHeaderNames.HOST, member.backend().address().toString());
        }
        current.connect();
    }

    // ---------------------------------------------------------------- for the try

    /** The try has its connection. */
    void connected() {
        state = requestDone ? State.AWAITING_HEAD : State.SENDING;
    }

    /** The request head as it goes to the backend. */
    HttpRequest backendRequest() {
        HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), request.headers());
        if (!expectsBody) {
            // No body: RFC 9112 says no framing header either (a stray "Content-Length: 0" is harmless).
            out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        return out;
    }

    /** Writes the body parts kept for a retry, without flushing; false when none are kept. */
    boolean writeKeptBody(Channel upstream) {
        if (replay == null) {
            return false;
        }
        replay.writeTo(upstream);
        return true;
    }

    /** How long the current try waits for its response head: the per-try timeout, cut by the deadline. */
    long headTimeoutNanos() {
        return context.retries().tryTimeoutNanos(pool, context.settings().backendResponseHeader(), deadlineNanos);
    }

    long backendIdleNanos() {
        return context.settings().backendIdle();
    }

    /** The last request part went to the backend. */
    void requestComplete() {
        requestDone = true;
        client.bodyComplete();
        if (state == State.SENDING) {
            state = State.AWAITING_HEAD;
        }
    }

    /** Whether a request that met a stale pooled connection may be sent again on a fresh one. */
    boolean mayResendOnFreshConnection(boolean reused, boolean replacedOnce, boolean interim) {
        return RetryPolicy.mayReplaceStaleConnection(reused, replacedOnce, streaming(), interim, requestDone, expectsBody,
                idempotent());
    }

    void connectFailed(BackendTry t, Throwable cause) {
        String address = t.backend().address().toString();
        String why = cause instanceof ConnectTimeoutException ? "connect to " + address + " timed out"
                : "connect to " + address + " failed: " + cause.getMessage();
        pool.health().connectFailed(t.member(), cause instanceof ConnectTimeoutException ? "timed out" : String.valueOf(cause.getMessage()));
        // Nothing was sent: any request may go to another backend (this is also how a sticky
        // session whose backend died moves on without an error).
        if (!retry(FailureKind.NOT_SENT, why)) {
            fail(cause instanceof ConnectTimeoutException ? ProxyError.BACKEND_TIMEOUT : ProxyError.BACKEND_FAILED, why);
        }
    }

    void connectionLost(BackendTry t, Throwable cause) {
        pool.health().serverError(t.member(), "connection closed " + (streaming() ? "during" : "before") + " the response");
        if (streaming()) {
            abort("backend closed the connection during the response: " + cause.getMessage(), Outcome.FAILURE);
            return;
        }
        String why = "backend " + t.backend().address() + " closed the connection before responding: " + cause.getMessage();
        if (!retry(t.sent() ? FailureKind.MAYBE_SENT : FailureKind.NOT_SENT, why)) {
            fail(ProxyError.BACKEND_FAILED, why);
        }
    }

    /**
     * The backend's final response head: retried if its status says so, else rewritten and framed
     * for the client and sent.
     *
     * @return whether the backend connection may be reused once the exchange completes
     */
    boolean finalResponse(BackendTry t, HttpResponse response) {
        int code = response.status().code();
        if (code >= 500) {
            pool.health().serverError(t.member(), "HTTP " + code);
            if (pool.config().retry().retriesStatus(code) && retry(FailureKind.STATUS, "backend " + t.backend().address() + " answered " + code)) {
                return false;
            }
        } else {
            pool.health().succeeded(t.member());
        }
        status = code;
        ResponseFraming framing = ResponseFraming.of(response, head);
        HttpHeaders h = response.headers();
        context.rewriter().rewriteResponse(h, response.protocolVersion(), requestId);
        decorate(t, h);
        clientKeepAlive = framing.frameForClient(response, clientVersion, clientKeepAlive && !client.draining());
        state = State.STREAMING;
        client.startBackendTimer(context.settings().backendIdle());
        client.write(response);
        return framing.backendReusable();
    }

    /** Adds what the node says about the response: the serving epoch and the sticky cookie. */
    private void decorate(BackendTry t, HttpHeaders h) {
        long epoch = TargetChooser.servedEpoch(pool, context.snapshots().current().pool(pool.name()), t.backend());
        if (epoch > 0) {
            // Which live version served this: a client (or a test) can tell old from new after a cutover.
            h.set(EPOCH_HEADER, epoch);
        }
        if (pool.sticky() != null) {
            // Binds a new client, rebinds one whose backend went away, refreshes everyone else's expiry.
            h.add(HttpHeaderNames.SET_COOKIE, pool.sticky().setCookieHeader(t.member()));
        }
    }

    /** Whether the request asked to switch protocols (a {@code 101} is then welcome). */
    boolean upgrading() {
        return upgrade != null;
    }

    /** The backend agreed to switch protocols: the {@code 101} goes to the client; the tunnel opens next. */
    void switchingProtocols(BackendTry t, HttpResponse response) {
        pool.health().succeeded(t.member());
        status = response.status().code();
        HttpHeaders h = response.headers();
        String protocol = h.get(HttpHeaderNames.UPGRADE);
        context.rewriter().rewriteResponse(h, response.protocolVersion(), requestId);
        UpgradeRequest.restoreSwitchHeaders(h, protocol);
        decorate(t, h);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        state = State.TUNNEL;
        client.stopBackendTimer();
        client.write(response);
        client.write(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /**
     * Joins the client and the backend connection. Called from within the read that delivered the
     * {@code 101}'s end, so that nothing the backend sent after it is decoded as HTTP.
     */
    void openTunnel(BackendTry t, Channel backend) {
        TunnelsConfig policy = pool.config().tunnels();
        if (!policy.holdSlot()) {
            // An async app holds thousands of these: the slot is for requests, not for open sockets.
            t.releaseSlot();
        }
        // Metrics count the handshake as the request it was; the access log waits for the tunnel's end.
        ExchangeLog.handshake(context, this);
        Channel joinable = client.upgradableChannel();
        if (joinable == null) {
            backend.close();
            abort("this client side cannot carry a tunnel", Outcome.DROPPED);
            return;
        }
        tunnel = Tunnel.builder(joinable, backend)
                .pool(context.upstreams().forLoop(client.eventLoop()))
                .webSocket(upgrade.webSocket())
                .idleTimeout(policy.idleTimeout())
                .closeDeadline(policy.closeTimeout())
                .registry(context.tunnels(), new TunnelInfo(pool.name(), t.backend().address(), t.backend().version()))
                .onEnd(this::tunnelEnded)
                .open();
    }

    private void tunnelEnded(TunnelStats stats) {
        if (ended()) {
            return;
        }
        state = State.DONE;
        bytesIn += stats.bytesClientToBackend();
        bytesOut += stats.bytesBackendToClient();
        current.abandon(Outcome.SUCCESS);
        ExchangeLog.tunnelEnded(context, this, stats);
        client.exchangeDone(this, false);
    }

    /** The node is shutting down: a tunnel ends cleanly (WebSocket: 1001, going away); a request finishes. */
    void drain() {
        if (state == State.TUNNEL && tunnel != null) {
            tunnel.closeGracefully(1001, "node shutting down");
        }
    }

    void responseBytes(int n) {
        bytesOut += n;
    }

    /** The response ended before the whole request body arrived: the rest cannot be told from a next request. */
    void responseEndedEarly() {
        clientKeepAlive = false;
        responseEnded();
    }

    void backendFailed(String why) {
        if (streaming()) {
            abort(why, Outcome.FAILURE);
        } else {
            fail(ProxyError.BACKEND_FAILED, why);
        }
    }

    // ---------------------------------------------------------------- retries

    /**
     * Sends the request to another backend if {@link RetryPolicy} says it is safe and allowed; only
     * while no response byte went to the client.
     *
     * @return whether the request was retried (or failed for want of a backend after all)
     */
    private boolean retry(FailureKind kind, String why) {
        if (ended() || streaming()) {
            return false;
        }
        boolean bodyStarted = bytesIn > 0 || requestDone;
        RetryDecision decision = context.retries().decide(pool, kind, new RetryAttempt(idempotent(), tried, expectsBody,
                bodyStarted, replay != null && replay.replayable(), deadlineNanos));
        if (!(decision instanceof RetryDecision.Retry retry)) {
            if (((RetryDecision.NoRetry) decision).reason() == RetryDecision.Reason.BUDGET_SPENT) {
                LOG.debug("{} request {}: {}; not retried, the retry budget of pool {} is spent",
                        client.logId(), requestId, why, pool.name());
            }
            return false;
        }
        LOG.debug("{} request {}: {}; retrying on another backend", client.logId(), requestId, why);
        client.stopBackendTimer();
        current.abandon(Outcome.FAILURE);
        admit(pool.admission().admit(retry.candidates(), pool.balancer(), this, null, queue, true),
                kind == FailureKind.TIMEOUT ? ProxyError.BACKEND_TIMEOUT : ProxyError.BACKEND_FAILED,
                why + "; no other backend could take the retry: ");
        return true;
    }

    @Override
    public boolean excludes(Member m) {
        return RetryPolicy.excludes(tried, m);
    }

    private static List<Member> append(List<Member> list, Member m) {
        List<Member> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(m);
        return List.copyOf(out);
    }

    boolean idempotent() {
        return RetryPolicy.isIdempotent(request.method().name());
    }

    // ---------------------------------------------------------------- from the client side

    /** A part of the request body from the client. Takes ownership of {@code content}. */
    void clientContent(HttpContent content) {
        if (ended() || requestDone) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            String why = "malformed request body: " + content.decoderResult().cause().getMessage();
            content.release();
            failOrCut(ProxyError.BAD_REQUEST, why);
            return;
        }
        bytesIn += content.content().readableBytes();
        long max = context.settings().maxRequestBody();
        if (max > 0 && bytesIn > max) {
            content.release();
            failOrCut(ProxyError.BODY_TOO_LARGE, "request body over " + max + " bytes");
            return;
        }
        boolean last = content instanceof LastHttpContent;
        client.touchClientTimer();
        if (current == null || !current.connected()) {
            // A retry is connecting: hold the part for the next backend and read no further until then.
            replay().hold(content);
            bodyPaused = true;
            if (last) {
                requestDone = true;
                client.bodyComplete();
            }
            return;
        }
        if (expectsBody && pool.config().retry().maxRetries() > 0) {
            replay().keep(content);
        }
        current.sendBody(content, last);
    }

    /** A client error before the response started is answered; after, the exchange is cut. */
    private void failOrCut(ProxyError error, String why) {
        if (streaming()) {
            abort(why, Outcome.DROPPED);
        } else {
            fail(error, why);
        }
    }

    /** The client's writability changed. */
    void clientWritabilityChanged() {
        if (current != null) {
            current.clientWritabilityChanged();
        }
    }

    /** Whether the client is not read because the backend cannot take more (its pause is ours). */
    boolean clientReadPaused() {
        return bodyPaused;
    }

    /** Whether the backend is not read because the client cannot take more (its pause is the client's). */
    boolean upstreamReadPaused() {
        return current != null && current.readPaused();
    }

    void clientSendTimedOut() {
        abort("client did not read the response for " + context.settings().clientSend() / 1_000_000 + " ms", Outcome.DROPPED);
    }

    void clientTimedOut() {
        if (streaming()) {
            abort("client body timeout", Outcome.DROPPED);
        } else {
            fail(ProxyError.CLIENT_TIMEOUT, "client sent no body data for " + context.settings().clientBody() / 1_000_000 + " ms");
        }
    }

    void backendTimedOut() {
        if (ended()) {
            return;
        }
        pool.health().timedOut(current.member());
        if (streaming()) {
            abort("backend idle for " + context.settings().backendIdle() / 1_000_000 + " ms during the response body", Outcome.FAILURE);
            return;
        }
        String why = System.nanoTime() >= deadlineNanos
                ? "no response within the deadline of " + pool.config().retry().deadline().toMillis() + " ms"
                : "no response from " + current.backend().address() + " within " + current.headTimeoutNanos() / 1_000_000 + " ms";
        if (!retry(FailureKind.TIMEOUT, why)) {
            fail(ProxyError.BACKEND_TIMEOUT, why);
        }
    }

    // ---------------------------------------------------------------- endings

    /** The whole response went to the client. */
    void responseEnded() {
        if (ended()) {
            return;
        }
        state = State.DONE;
        releaseReplay();
        current.finish(requestDone);
        ExchangeLog.ended(context, this, null);
        client.exchangeDone(this, clientKeepAlive && requestDone);
    }

    /**
     * Answers with an error on the proxy's behalf. Only before any response byte was sent; after
     * that, {@link #abort} is the only honest ending.
     */
    private void fail(ProxyError error, String why) {
        if (ended()) {
            return;
        }
        boolean backendFault = error == ProxyError.BACKEND_FAILED || error == ProxyError.BACKEND_TIMEOUT;
        if (streaming()) {
            abort(why, backendFault ? Outcome.FAILURE : Outcome.DROPPED);
            return;
        }
        state = State.DONE;
        status = error.status().code();
        releaseUpstream(backendFault ? Outcome.FAILURE : Outcome.DROPPED);
        // The request's remaining body (if any) is unread: the connection cannot carry another request.
        boolean close = error.framingLost() || !clientKeepAlive || client.draining() || (expectsBody && !requestDone)
                || !request.decoderResult().isSuccess();
        var response = ErrorResponses.build(client.alloc(), error, requestId, close);
        if (upgrade != null && upgrade.problem() != null) {
            // The client's own mistake, in words it can act on (it says nothing about the node).
            ByteBufUtil.writeAscii(response.content(), upgrade.problem() + "\n");
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        if (!close && clientVersion == HttpVersion.HTTP_1_0) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        client.writeAndFlush(response);
        if (backendFault || error == ProxyError.NO_BACKEND) {
            LOG.warn("{} request {} to {} failed with {}: {}", client.logId(), requestId,
                    current == null ? pool == null ? "-" : pool.name() : current.backend().address(), status, why);
        }
        ExchangeLog.ended(context, this, why);
        client.exchangeDone(this, !close);
    }

    /** Cuts the exchange: both connections close, because neither side's framing can be trusted. */
    void abort(String why, Outcome outcome) {
        if (ended()) {
            return;
        }
        state = State.DONE;
        releaseUpstream(outcome);
        LOG.debug("{} request {} cut: {}", client.logId(), requestId, why);
        ExchangeLog.ended(context, this, why);
        client.exchangeDone(this, false);
        client.close();
    }

    /** The client connection closed mid-exchange. */
    void clientClosed() {
        if (ended() || state == State.TUNNEL) {
            // A tunnel sees its connections close itself and ends the exchange then.
            return;
        }
        state = State.DONE;
        releaseUpstream(Outcome.DROPPED);
        ExchangeLog.ended(context, this, "client closed the connection");
    }

    private BodyReplay replay() {
        if (replay == null) {
            replay = new BodyReplay(pool.config().retry().bufferBody());
        }
        return replay;
    }

    private void releaseReplay() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    private void releaseUpstream(Outcome outcome) {
        // A retry may be waiting for a slot: leave the queue at once.
        queue.cancel();
        releaseReplay();
        if (current != null) {
            current.abandon(outcome);
        }
    }

    // ---------------------------------------------------------------- state, for the pieces and the log

    boolean streaming() {
        return state == State.STREAMING;
    }

    State state() {
        return state;
    }

    boolean requestDone() {
        return requestDone;
    }

    boolean expectsBody() {
        return expectsBody;
    }

    boolean bodyPaused() {
        return bodyPaused;
    }

    void bodyPaused(boolean paused) {
        bodyPaused = paused;
    }

    long bytesIn() {
        return bytesIn;
    }

    long bytesOut() {
        return bytesOut;
    }

    int tries() {
        return tried.size();
    }

    int status() {
        return status;
    }

    String requestId() {
        return requestId;
    }

    HttpRequest request() {
        return request;
    }

    HttpVersion clientVersion() {
        return clientVersion;
    }

    PoolSnapshot pool() {
        return pool;
    }

    Backend backend() {
        return current == null ? null : current.backend();
    }

    long startNanos() {
        return startNanos;
    }

    long startMillis() {
        return startMillis;
    }

    long queueNanos() {
        return queue.totalNanos();
    }

    long upstreamStartNanos() {
        return current == null ? -1 : current.startNanos();
    }

    // ---------------------------------------------------------------- PickContext

    @Override
    public String clientAddress() {
        return client.remoteAddress().getAddress().getHostAddress();
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return target.path();
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }
}
