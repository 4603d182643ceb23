package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Admit;
import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.route.Router;
import dev.gatehouse.core.state.Backend;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.sticky.StickyCookies;
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
        if (pool.config().retry().deadline() != null) {
            deadlineNanos = startNanos + pool.config().retry().deadline().toNanos();
        }
        // A valid sticky cookie pins the request to its backend while that backend is in the pool;
        // anything else about the cookie (forged, expired, unknown backend) is as if it were absent.
        StickyCookies sticky = pool.sticky();
        List<Member> candidates = pool.available();
        Member pinned = sticky == null ? null : sticky.find(cookie(sticky.name()), candidates);
        var versions = pool.versions();
        if (pinned == null && versions != null && versions.canary() != null) {
            // A canary takes its share of the requests; a session bound to it stays with it.
            List<Member> canary = pool.health().canaryAvailable();
            Member onCanary = sticky == null ? null : sticky.find(cookie(sticky.name()), canary);
            if (onCanary != null) {
                pinned = onCanary;
                candidates = canary;
            } else if (!canary.isEmpty()
                    && java.util.concurrent.ThreadLocalRandom.current().nextInt(100) < versions.canaryPercent()) {
                candidates = canary;
            }
        }
        if (pinned == null && sticky != null) {
            Member previous = affinityMember(sticky);
            if (previous != null) {
                pinned = previous;
                candidates = List.of(previous);
            }
        }
        admit(pool.admission().admit(candidates, pool.balancer(), this, pinned, queue), ProxyError.NO_BACKEND,
                "pool " + pool.name() + " has no available backend: ");
    }

    /**
     * The epoch of the version that served the request: the one at arrival, or the current one
     * when the request was held through a cutover (its backend is of the version live now).
     */
    private long servedEpoch() {
        long arrival = pool.epoch();
        var now = context.snapshots().current().pool(pool.name());
        if (now != null && now.epoch() != arrival && current.backend().version().equals(now.liveVersion())) {
            return now.epoch();
        }
        return arrival;
    }

    /**
     * Version affinity: after a fast cutover, a client whose cookie names a backend of the previous
     * version stays on it until the pool's affinity deadline, while that backend is registered and
     * in service; null otherwise (then the cookie is rebound to the live version).
     */
    private Member affinityMember(StickyCookies sticky) {
        var versions = pool.versions();
        if (versions == null || versions.previous() == null || versions.affinityUntilSeconds() <= startMillis / 1000) {
            return null;
        }
        Member m = sticky.find(cookie(sticky.name()), pool.members());
        return m != null && m.backend().version().equals(versions.previous())
                && m.backend().admin() == dev.gatehouse.core.state.AdminState.READY ? m : null;
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
        java.time.Duration perTry = pool.config().retry().perTryTimeout();
        long t = perTry != null ? perTry.toNanos() : context.settings().backendResponseHeader();
        if (deadlineNanos != Long.MAX_VALUE) {
            t = Math.min(t, Math.max(1_000_000, deadlineNanos - System.nanoTime()));
        }
        return t;
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
    boolean mayResendOnFreshConnection() {
        return !streaming() && requestDone && !expectsBody && idempotent();
    }

    void connectFailed(BackendTry t, Throwable cause) {
        String address = t.backend().address().toString();
        String why = cause instanceof ConnectTimeoutException ? "connect to " + address + " timed out"
                : "connect to " + address + " failed: " + cause.getMessage();
        pool.health().connectFailed(t.member(), cause instanceof ConnectTimeoutException ? "timed out" : String.valueOf(cause.getMessage()));
        // Nothing was sent: any request may go to another backend (this is also how a sticky
        // session whose backend died moves on without an error).
        if (!retry(Retry.NOT_SENT, why)) {
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
        if (!retry(t.sent() ? Retry.MAYBE_SENT : Retry.NOT_SENT, why)) {
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
            if (pool.config().retry().retriesStatus(code) && retry(Retry.STATUS, "backend " + t.backend().address() + " answered " + code)) {
                return false;
            }
        } else {
            pool.health().succeeded(t.member());
        }
        status = code;
        ResponseFraming framing = ResponseFraming.of(response, head);
        HttpHeaders h = response.headers();
        context.rewriter().rewriteResponse(h, response.protocolVersion(), requestId);
        long epoch = servedEpoch();
        if (epoch > 0) {
            // Which live version served this: a client (or a test) can tell old from new after a cutover.
            h.set(EPOCH_HEADER, epoch);
        }
        if (pool.sticky() != null) {
            // Binds a new client, rebinds one whose backend went away, refreshes everyone else's expiry.
            h.add(HttpHeaderNames.SET_COOKIE, pool.sticky().setCookieHeader(t.member()));
        }
        clientKeepAlive = framing.frameForClient(response, clientVersion, clientKeepAlive && !client.draining());
        state = State.STREAMING;
        client.startBackendTimer(context.settings().backendIdle());
        client.write(response);
        return framing.backendReusable();
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

    /** Why a try failed, as far as retrying is concerned. */
    private enum Retry {
        /** Provably not sent (connect failed, or nothing reached the socket): any method may retry. */
        NOT_SENT,
        /** The connection broke before a response, after some of the request was written. */
        MAYBE_SENT,
        /** No response head within the try's timeout. */
        TIMEOUT,
        /** A response whose status is in {@code retries.on_status}. */
        STATUS
    }

    /**
     * Sends the request to another backend if that is safe and allowed: not yet answered; within
     * {@code retries.max}; an idempotent method unless nothing was sent; a body that was not read
     * yet or is kept whole; before the deadline; another available backend not tried yet; and a
     * retry left in the pool's budget (checked last, because it takes one).
     *
     * @return whether the request was retried (or failed for want of a backend after all)
     */
    private boolean retry(Retry kind, String why) {
        var policy = pool.config().retry();
        if (ended() || streaming() || tried.size() > policy.maxRetries()) {
            return false;
        }
        if ((kind != Retry.NOT_SENT && !idempotent()) || (kind == Retry.TIMEOUT && !policy.onTimeout())) {
            return false;
        }
        if (expectsBody && (bytesIn > 0 || requestDone) && (replay == null || !replay.replayable())) {
            return false;
        }
        if (System.nanoTime() >= deadlineNanos) {
            return false;
        }
        // Retries never cross versions: only the first try's version may take this request.
        String version = tried.get(0).backend().version();
        List<Member> candidates = sameVersion(pool.available(), version);
        if (!anotherBackend(candidates)) {
            // No available backend is left untried. A fail-open pool would rather try one that is
            // unhealthy or ejected (it may be back already: a restarted app) than fail for sure.
            if (pool.config().health().panic().mode() != PanicConfig.Mode.FAIL_OPEN) {
                return false;
            }
            candidates = sameVersion(pool.health().inService(), version);
            if (!anotherBackend(candidates)) {
                return false;
            }
        }
        if (!pool.retryBudget().tryAcquire()) {
            LOG.debug("{} request {}: {}; not retried, the retry budget of pool {} is spent",
                    client.logId(), requestId, why, pool.name());
            return false;
        }
        LOG.debug("{} request {}: {}; retrying on another backend", client.logId(), requestId, why);
        client.stopBackendTimer();
        current.abandon(Outcome.FAILURE);
        admit(pool.admission().admit(candidates, pool.balancer(), this, null, queue, true),
                kind == Retry.TIMEOUT ? ProxyError.BACKEND_TIMEOUT : ProxyError.BACKEND_FAILED,
                why + "; no other backend could take the retry: ");
        return true;
    }

    /** The candidates of one version; the same list when all are (no copy in the common case). */
    private static List<Member> sameVersion(List<Member> candidates, String version) {
        for (Member m : candidates) {
            if (!m.backend().version().equals(version)) {
                return candidates.stream().filter(c -> c.backend().version().equals(version)).toList();
            }
        }
        return candidates;
    }

    /** Whether one of {@code candidates} is a backend this request has not tried. */
    private boolean anotherBackend(List<Member> candidates) {
        for (Member m : candidates) {
            if (!excludes(m)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean excludes(Member m) {
        for (Member t : tried) {
            if (t.load() == m.load()) {
                return true;
            }
        }
        return false;
    }

    private static List<Member> append(List<Member> list, Member m) {
        List<Member> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(m);
        return List.copyOf(out);
    }

    boolean idempotent() {
        HttpMethod m = request.method();
        return HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
                || HttpMethod.PUT.equals(m) || HttpMethod.DELETE.equals(m) || HttpMethod.TRACE.equals(m);
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
        if (!retry(Retry.TIMEOUT, why)) {
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
        if (ended()) {
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
