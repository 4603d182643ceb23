package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Admit;
import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.admission.Waiter;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.route.Router;
import dev.gatehouse.core.state.Backend;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.sticky.StickyCookies;
import dev.gatehouse.server.log.AccessRecord;
import dev.gatehouse.server.upstream.AcquireCallback;
import dev.gatehouse.server.upstream.LoopPool;
import dev.gatehouse.server.upstream.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response, from the client's request head to the last byte of the response.
 *
 * <p>Design notes. Everything runs on the client connection's event loop, which is also the loop
 * of the backend connection (pools are per loop), so no field needs synchronization. Flow control
 * both ways is by writability: a request body part is read from the client only while the backend
 * connection is writable, and the backend is read only while the client connection is writable;
 * nothing is buffered beyond Netty's outbound water marks. The exchange ends in exactly one of
 * three ways, each exactly once ({@link #finished}): the response completed ({@link #responseEnded}),
 * the proxy answered with an error before any response byte ({@link #fail}), or the exchange was
 * cut after the response started or because the client left ({@link #abort}). A backend connection
 * goes back to its pool only after a complete exchange on both sides; any other ending closes it.
 */
final class Exchange implements UpstreamListener, AcquireCallback, PickContext {

    static final Logger LOG = LoggerFactory.getLogger(Exchange.class);
    private static final int MAX_LOGGED_PATH = 2048;
    /** The pool's epoch of the version that served the response, on pools that were cut over. */
    static final String EPOCH_HEADER = "X-Gatehouse-Epoch";

    private final ProxyHandler client;
    private final ProxyContext context;
    private final HttpRequest request;
    private final long startNanos = System.nanoTime();
    private final long startMillis = System.currentTimeMillis();
    private final boolean head;
    private final HttpVersion clientVersion;
    private String requestId;
    private String path;
    private String host;
    private boolean clientKeepAlive;
    private boolean expectsBody;

    private PoolSnapshot pool;
    private Backend backend;
    private Member member;
    /** The backend slot this request holds, released exactly once in {@link #releaseTicket}. */
    private Ticket ticket;
    /** Told by the pool's admission when a queued request gets a slot; the same object for cancel. */
    private final Waiter waiter = new Waiter() {
        @Override
        public void granted(Ticket ticket) {
            grantedFromAnyThread(ticket);
        }

        @Override
        public void rejected(String reason) {
            rejectedFromAnyThread(reason);
        }
    };
    private boolean queued;
    private long queueStartNanos = -1;
    private long queueNanos;
    private ScheduledFuture<?> queueTimer;
    /** The request headers were rewritten for the backend hop (once, whichever backend it goes to). */
    private boolean rewritten;
    /** The request's Host header is the backend's address, set by us (the client sent none). */
    private boolean hostIsBackend;
    /** Backends tried so far, the current one included; read by admission through {@link #excludes}. */
    private List<Member> tried = List.of();
    /** The request body parts kept for a retry; null until a body part arrives (or retries are off). */
    private BodyReplay replay;
    /** Some of the request was written to the current backend connection (so it may have been sent). */
    private boolean sent;
    /** When the last try must have its response head, System.nanoTime; Long.MAX_VALUE for no deadline. */
    private long deadlineNanos = Long.MAX_VALUE;
    private LoopPool loopPool;
    private Channel upstream;
    private long upstreamStartNanos = -1;
    /** The current try's timeout for its response head, for messages. */
    private long tryTimeoutNanos;

    /** The client's LastHttpContent arrived (and was written upstream when there is an upstream). */
    private boolean requestDone;
    /** Between the request head and the client's last body part we wait for a read. */
    private boolean clientReadPending;
    private boolean upstreamReadPending;
    /** Skipping the parts of an interim (1xx) response. */
    private boolean interim;
    private boolean responseStarted;
    private boolean upstreamReusable;
    /** The backend connection came from the pool (so the backend may have closed it meanwhile). */
    private boolean upstreamReused;
    /** A stale pooled connection was already replaced once (on the same backend; not a retry). */
    private boolean retried;
    private boolean finished;
    private int status;
    private long bytesIn;
    private long bytesOut;

    Exchange(ProxyHandler client, HttpRequest request) {
        this.client = client;
        this.context = client.context;
        this.request = request;
        this.head = HttpMethod.HEAD.equals(request.method());
        this.clientVersion = request.protocolVersion();
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
        String problem = parseTarget(h);
        if (problem != null) {
            fail(ProxyError.BAD_REQUEST, problem);
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
        RouteConfig route = router.route(host, path);
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
        Admit admit = pool.admission().admit(candidates, pool.balancer(), this, pinned, waiter);
        switch (admit) {
            case Admit.Granted g -> admitted(g.ticket());
            case Admit.Queued q -> enqueued();
            case Admit.Rejected r -> fail(ProxyError.NO_BACKEND, "pool " + pool.name() + " has no available backend: " + r.reason());
        }
    }

    /**
     * The epoch of the version that served the request: the one at arrival, or the current one
     * when the request was held through a cutover (its backend is of the version live now).
     */
    private long servedEpoch() {
        long arrival = pool.epoch();
        var now = context.snapshots().current().pool(pool.name());
        if (now != null && now.epoch() != arrival && backend.version().equals(now.liveVersion())) {
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

    /** Waits in the pool's queue; its timeout answers 503, a grant resumes the exchange. */
    private void enqueued() {
        queued = true;
        queueStartNanos = System.nanoTime();
        long timeout = pool.admission().config().queue().timeout().toNanos();
        if (!tried.isEmpty() && deadlineNanos != Long.MAX_VALUE) {
            // A retry waits no longer than the deadline leaves.
            timeout = Math.min(timeout, Math.max(0, deadlineNanos - queueStartNanos));
        }
        queueTimer = client.channel().eventLoop().schedule(this::queueTimedOut, timeout, TimeUnit.NANOSECONDS);
    }

    private void queueTimedOut() {
        if (queued && !finished && pool.admission().cancel(waiter)) {
            queued = false;
            queueNanos += System.nanoTime() - queueStartNanos;
            if (!tried.isEmpty() && System.nanoTime() >= deadlineNanos) {
                fail(ProxyError.BACKEND_TIMEOUT, "no response within the deadline of "
                        + pool.config().retry().deadline().toMillis() + " ms (the retry waited for a backend slot)");
                return;
            }
            fail(ProxyError.NO_BACKEND, "no backend slot within the queue timeout of "
                    + pool.admission().config().queue().timeout().toMillis() + " ms");
        }
        // Otherwise a grant is on its way to this loop.
    }

    /** Called by the admission on any thread: hop to our loop. */
    private void grantedFromAnyThread(Ticket granted) {
        try {
            client.channel().eventLoop().execute(() -> grantedOnLoop(granted));
        } catch (RuntimeException rejected) {
            // The loop is shutting down: nobody will use the slot.
            granted.release(-1, Outcome.DROPPED);
        }
    }

    /** A request held by a strict cutover found no place when the hold was lifted: hop and answer 503. */
    private void rejectedFromAnyThread(String reason) {
        try {
            client.channel().eventLoop().execute(() -> {
                if (queued && !finished) {
                    queued = false;
                    queueNanos += System.nanoTime() - queueStartNanos;
                    if (queueTimer != null) {
                        queueTimer.cancel(false);
                    }
                    fail(ProxyError.NO_BACKEND, "pool " + pool.name() + " had no place for the request after a cutover: " + reason);
                }
            });
        } catch (RuntimeException rejected) {
            // The loop is shutting down: the connection goes with it.
        }
    }

    private void grantedOnLoop(Ticket granted) {
        queued = false;
        queueNanos += System.nanoTime() - queueStartNanos;
        if (queueTimer != null) {
            queueTimer.cancel(false);
        }
        if (finished) {
            granted.release(-1, Outcome.DROPPED);
            return;
        }
        admitted(granted);
    }

    /** A backend slot is ours: rewrite the head for it and get a connection. */
    private void admitted(Ticket granted) {
        ticket = granted;
        member = granted.member();
        backend = member.backend();
        tried = tried.isEmpty() ? List.of(member) : append(tried, member);
        HttpHeaders h = request.headers();
        if (!rewritten) {
            rewritten = true;
            context.rewriter().rewriteRequest(h, clientVersion, client.remote.getAddress(), context.scheme(), requestId);
            hostIsBackend = !h.contains(HttpHeaderNames.HOST);
        }
        if (hostIsBackend) {
            // The client sent no Host (HTTP/1.0): name the backend this try goes to.
            h.set(HttpHeaderNames.HOST, backend.address().toString());
        }
        loopPool = context.upstreams().forLoop(client.channel().eventLoop());
        upstreamStartNanos = System.nanoTime();
        loopPool.acquire(backend.address(), this, this, false);
    }

    /**
     * Splits the request target into path and host, checking RFC 9112 §3.2: origin-form or
     * absolute-form (whose authority then wins over Host), {@code *} only for OPTIONS, and exactly
     * one Host header in HTTP/1.1.
     *
     * @return a description of what is wrong, or {@code null}
     */
    private String parseTarget(HttpHeaders h) {
        String uri = request.uri();
        int hosts = h.getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1) {
            return "more than one Host header";
        }
        if (hosts == 0 && clientVersion == HttpVersion.HTTP_1_1) {
            return "HTTP/1.1 request without Host";
        }
        String hostHeader = h.get(HttpHeaderNames.HOST);
        if (uri.startsWith("/")) {
            int q = uri.indexOf('?');
            path = q < 0 ? uri : uri.substring(0, q);
        } else if (uri.equals("*") && HttpMethod.OPTIONS.equals(request.method())) {
            path = "*";
        } else if (uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8)) {
            try {
                URI parsed = new URI(uri);
                if (parsed.getRawAuthority() == null) {
                    return "absolute request target without authority";
                }
                hostHeader = parsed.getRawAuthority();
                h.set(HttpHeaderNames.HOST, hostHeader);
                String rawPath = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
                path = rawPath;
                String query = parsed.getRawQuery();
                request.setUri(query == null ? rawPath : rawPath + "?" + query);
            } catch (Exception e) {
                return "invalid request target";
            }
        } else {
            return "invalid request target";
        }
        if (hostHeader != null && !isValidHost(hostHeader)) {
            return "invalid Host header";
        }
        host = Router.normalizeHost(hostHeader);
        return null;
    }

    private static boolean isValidHost(String host) {
        if (host.length() > 255) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- PickContext

    @Override
    public String clientAddress() {
        return client.remote.getAddress().getHostAddress();
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }

    // ---------------------------------------------------------------- backend connection

    @Override
    public void acquired(Channel ch, boolean reused) {
        if (finished) {
            // The client left while we were connecting; the connection was never used.
            loopPool.release(ch);
            return;
        }
        upstream = ch;
        upstreamReused = reused;
        sent = false;
        HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), request.headers());
        if (!expectsBody) {
            // No body: RFC 9112 says no framing header either (a stray "Content-Length: 0" is harmless).
            out.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        // Whether any of the request reached the socket decides whether a POST may be retried. An
        // idempotent request is retried either way, so it spares the promise and its listener.
        ChannelPromise headWritten;
        if (isIdempotent(request.method())) {
            sent = true;
            headWritten = ch.voidPromise();
        } else {
            headWritten = ch.newPromise().addListener(f -> {
                if (f.isSuccess() && ch == upstream) {
                    sent = true;
                }
            });
        }
        if (tried.size() > 1 || retried) {
            replayTo(out, headWritten);
            return;
        }
        if (expectsBody) {
            // Flush now: the backend may answer "100 Continue" before the client sends any body.
            upstream.writeAndFlush(out, headWritten);
            client.awaitBody();
        } else {
            upstream.write(out, headWritten);
        }
        upstream.read();
        client.readClient();
    }

    /**
     * Sends the request again on a new connection (a retry, or a stale pooled connection replaced):
     * the head, then the body parts kept so far; then the rest of the body streams as usual.
     */
    private void replayTo(HttpRequest out, ChannelPromise headWritten) {
        // Reads were paused while the retry connected, and a part held meanwhile may have been the
        // last: clear that before writing, because the writes below may report writability at once.
        clientReadPending = false;
        if (expectsBody && (bytesIn > 0 || requestDone)) {
            // The body follows at once: a second "100 Continue" would only confuse the client.
            // Before any body arrived, the client may still wait for one: the next backend must send it.
            out.headers().remove(HttpHeaderNames.EXPECT);
        }
        upstream.write(out, headWritten);
        if (replay != null) {
            replay.writeTo(upstream);
        } else if (requestDone) {
            upstream.write(LastHttpContent.EMPTY_LAST_CONTENT, upstream.voidPromise());
        }
        upstream.flush();
        upstream.read();
        if (requestDone) {
            client.backendTimer.start(tryTimeoutNanos());
        } else {
            if (expectsBody) {
                // The first try's acquired() never ran when its connect failed: count the client's pauses here.
                client.awaitBody();
            }
            client.readClient();
        }
    }

    @Override
    public void acquireFailed(Throwable cause) {
        if (finished) {
            return;
        }
        String why = cause instanceof ConnectTimeoutException ? "connect to " + backend.address() + " timed out"
                : "connect to " + backend.address() + " failed: " + cause.getMessage();
        pool.health().connectFailed(member, cause instanceof ConnectTimeoutException ? "timed out" : String.valueOf(cause.getMessage()));
        // Nothing was sent: any request may go to another backend (this is also how a sticky
        // session whose backend died moves on without an error).
        if (retry(Retry.NOT_SENT, why)) {
            return;
        }
        fail(cause instanceof ConnectTimeoutException ? ProxyError.BACKEND_TIMEOUT : ProxyError.BACKEND_FAILED, why);
    }

    // ---------------------------------------------------------------- request body

    /** A part of the request body from the client. Takes ownership of {@code content}. */
    void clientContent(HttpContent content) {
        if (finished || requestDone) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            String why = "malformed request body: " + content.decoderResult().cause().getMessage();
            content.release();
            if (responseStarted) {
                abort(why, Outcome.DROPPED);
            } else {
                fail(ProxyError.BAD_REQUEST, why);
            }
            return;
        }
        bytesIn += content.content().readableBytes();
        long max = context.settings().maxRequestBody();
        if (max > 0 && bytesIn > max) {
            content.release();
            if (responseStarted) {
                abort("request body over " + max + " bytes", Outcome.DROPPED);
            } else {
                fail(ProxyError.BODY_TOO_LARGE, "request body over " + max + " bytes");
            }
            return;
        }
        boolean last = content instanceof LastHttpContent;
        client.clientTimer.touch();
        if (upstream == null) {
            // A retry is connecting: hold the part for the next backend and read no further until then.
            replay().hold(content);
            clientReadPending = true;
            if (last) {
                requestDone = true;
                client.bodyComplete();
            }
            return;
        }
        if (expectsBody && pool.config().retry().maxRetries() > 0) {
            replay().keep(content);
        }
        upstream.writeAndFlush(content, upstream.voidPromise());
        if (last) {
            requestDone = true;
            client.bodyComplete();
            if (!responseStarted) {
                client.backendTimer.start(tryTimeoutNanos());
            }
        } else if (upstream.isWritable()) {
            client.readClient();
        } else {
            clientReadPending = true;
            if (!responseStarted) {
                // The backend is not reading the body: that is its pause to answer for.
                client.backendTimer.start(context.settings().backendIdle());
            }
        }
    }

    @Override
    public void upstreamWritabilityChanged(Channel ch) {
        if (clientReadPending && ch.isWritable() && !finished) {
            clientReadPending = false;
            if (!responseStarted) {
                client.backendTimer.stop();
            }
            client.clientTimer.touch();
            client.readClient();
        }
    }

    boolean clientReadPaused() {
        return clientReadPending;
    }

    void clientTimedOut() {
        if (responseStarted) {
            abort("client body timeout", Outcome.DROPPED);
        } else {
            fail(ProxyError.CLIENT_TIMEOUT, "client sent no body data for " + context.settings().clientBody() / 1_000_000 + " ms");
        }
    }

    // ---------------------------------------------------------------- response

    @Override
    public void upstreamRead(Channel ch, HttpObject msg) {
        if (finished || ch != upstream) {
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
            backendFailed("invalid response from backend: " + response.decoderResult().cause().getMessage());
            return;
        }
        HttpResponseStatus st = response.status();
        if (st.codeClass() == HttpStatusClass.INFORMATIONAL) {
            if (st.code() == 101) {
                backendFailed("backend switched protocols without being asked to");
                return;
            }
            interim = true;
            // 1xx responses are hop-by-hop news for the client; HTTP/1.0 clients do not understand them.
            if (clientVersion == HttpVersion.HTTP_1_1) {
                HttpResponse copy = new DefaultHttpResponse(HttpVersion.HTTP_1_1, st);
                copy.headers().set(response.headers());
                HeaderRewriter.removeHopByHop(copy.headers());
                client.ctx().write(copy, client.ctx().voidPromise());
                client.ctx().write(LastHttpContent.EMPTY_LAST_CONTENT, client.ctx().voidPromise());
            }
            return;
        }
        interim = false;
        int code = st.code();
        if (code >= 500) {
            pool.health().serverError(member, "HTTP " + code);
            if (pool.config().retry().retriesStatus(code) && retry(Retry.STATUS, "backend " + backend.address() + " answered " + code)) {
                return;
            }
        } else {
            pool.health().succeeded(member);
        }
        status = code;
        HttpHeaders h = response.headers();
        boolean bodiless = head || status == 204 || status == 304;
        boolean chunked = HttpUtil.isTransferEncodingChunked(response);
        boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        upstreamReusable = response.protocolVersion() == HttpVersion.HTTP_1_1
                && !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true)
                && (bodiless || chunked || hasLength);
        context.rewriter().rewriteResponse(h, response.protocolVersion(), requestId);
        long epoch = servedEpoch();
        if (epoch > 0) {
            // Which live version served this: a client (or a test) can tell old from new after a cutover.
            h.set(EPOCH_HEADER, epoch);
        }
        if (pool.sticky() != null) {
            // Binds a new client, rebinds one whose backend went away, refreshes everyone else's expiry.
            h.add(HttpHeaderNames.SET_COOKIE, pool.sticky().setCookieHeader(member));
        }
        boolean keepAlive = clientKeepAlive && !client.draining();
        if (clientVersion == HttpVersion.HTTP_1_1) {
            if (!bodiless && !chunked && !hasLength) {
                // A body delimited by the backend closing: re-frame it as chunked for the client.
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        } else {
            if (chunked) {
                // HTTP/1.0 has no chunked coding: the body then ends with the connection.
                h.remove(HttpHeaderNames.TRANSFER_ENCODING);
                keepAlive = false;
            } else if (!bodiless && !hasLength) {
                keepAlive = false;
            }
        }
        clientKeepAlive = keepAlive;
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion == HttpVersion.HTTP_1_0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        responseStarted = true;
        client.backendTimer.start(context.settings().backendIdle());
        client.ctx().write(response, client.ctx().voidPromise());
    }

    private void responseContent(HttpContent content) {
        if (interim) {
            // The empty end of an interim response; the final one is still to come.
            content.release();
            interim = false;
            if (requestDone && !responseStarted) {
                client.backendTimer.start(tryTimeoutNanos());
            }
            return;
        }
        if (!responseStarted) {
            content.release();
            backendFailed("response body without a response head");
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            abort("invalid response body from backend: " + content.decoderResult().cause().getMessage(), Outcome.FAILURE);
            return;
        }
        bytesOut += content.content().readableBytes();
        client.backendTimer.touch();
        ChannelHandlerContext c = client.ctx();
        if (content instanceof LastHttpContent) {
            c.writeAndFlush(content, c.voidPromise());
            if (requestDone || !expectsBody) {
                responseEnded();
            } else {
                // The backend answered before the whole body arrived (e.g. a 413 or a redirect).
                // Whatever the client still sends cannot be told apart from its next request.
                clientKeepAlive = false;
                upstreamReusable = false;
                responseEnded();
            }
        } else {
            c.write(content, c.voidPromise());
        }
    }

    @Override
    public void upstreamReadComplete(Channel ch) {
        if (finished) {
            return;
        }
        client.ctx().flush();
        if (client.channel().isWritable()) {
            ch.read();
        } else if (!upstreamReadPending) {
            upstreamReadPending = true;
            // The client is not reading: its pause, bounded by client_send.
            client.awaitClientRead();
        }
    }

    /** The client connection's writability changed: resume reading the backend if we paused. */
    void clientWritabilityChanged() {
        if (upstreamReadPending && client.channel().isWritable() && !finished && upstream != null) {
            upstreamReadPending = false;
            client.clientReadResumed(!requestDone && expectsBody);
            client.backendTimer.touch();
            upstream.read();
        }
    }

    boolean upstreamReadPaused() {
        return upstreamReadPending;
    }

    void clientSendTimedOut() {
        abort("client did not read the response for " + context.settings().clientSend() / 1_000_000 + " ms", Outcome.DROPPED);
    }

    void backendTimedOut() {
        if (finished) {
            return;
        }
        pool.health().timedOut(member);
        if (responseStarted) {
            abort("backend idle for " + context.settings().backendIdle() / 1_000_000 + " ms during the response body", Outcome.FAILURE);
            return;
        }
        String why = System.nanoTime() >= deadlineNanos
                ? "no response within the deadline of " + pool.config().retry().deadline().toMillis() + " ms"
                : "no response from " + backend.address() + " within " + tryTimeoutNanos / 1_000_000 + " ms";
        if (!retry(Retry.TIMEOUT, why)) {
            fail(ProxyError.BACKEND_TIMEOUT, why);
        }
    }

    /** Starts waiting for the response head: the per-try timeout, cut short by the deadline. */
    private long tryTimeoutNanos() {
        java.time.Duration perTry = pool.config().retry().perTryTimeout();
        long t = perTry != null ? perTry.toNanos() : context.settings().backendResponseHeader();
        if (deadlineNanos != Long.MAX_VALUE) {
            t = Math.min(t, Math.max(1_000_000, deadlineNanos - System.nanoTime()));
        }
        tryTimeoutNanos = t;
        return t;
    }

    @Override
    public void upstreamClosed(Channel ch, Throwable cause) {
        if (finished || ch != upstream) {
            return;
        }
        upstream = null;
        if (canRetryOnFreshConnection()) {
            // A pooled connection the backend closed as we reused it (its keep-alive timeout
            // raced our pick): nothing was answered and the request is safe to send again.
            retried = true;
            client.backendTimer.stop();
            LOG.debug("{} request {}: pooled connection to {} was closed, retrying on a new one",
                    client.channel().id(), requestId, backend.address());
            loopPool.acquire(backend.address(), this, this, true);
            return;
        }
        pool.health().serverError(member, "connection closed " + (responseStarted ? "during" : "before") + " the response");
        if (responseStarted) {
            abort("backend closed the connection during the response: " + cause.getMessage(), Outcome.FAILURE);
            return;
        }
        String why = "backend " + backend.address() + " closed the connection before responding: " + cause.getMessage();
        if (!retry(sent ? Retry.MAYBE_SENT : Retry.NOT_SENT, why)) {
            fail(ProxyError.BACKEND_FAILED, why);
        }
    }

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
        if (finished || responseStarted || tried.size() > policy.maxRetries()) {
            return false;
        }
        if ((kind != Retry.NOT_SENT && !isIdempotent(request.method())) || (kind == Retry.TIMEOUT && !policy.onTimeout())) {
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
                    client.channel().id(), requestId, why, pool.name());
            return false;
        }
        LOG.debug("{} request {}: {}; retrying on another backend", client.channel().id(), requestId, why);
        client.backendTimer.stop();
        releaseTicket(Outcome.FAILURE);
        if (upstream != null) {
            loopPool.discard(upstream);
            upstream = null;
        }
        interim = false;
        upstreamReusable = false;
        upstreamReadPending = false;
        sent = false;
        switch (pool.admission().admit(candidates, pool.balancer(), this, null, waiter, true)) {
            case Admit.Granted g -> admitted(g.ticket());
            case Admit.Queued q -> enqueued();
            case Admit.Rejected r -> fail(kind == Retry.TIMEOUT ? ProxyError.BACKEND_TIMEOUT : ProxyError.BACKEND_FAILED,
                    why + "; no other backend could take the retry: " + r.reason());
        }
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

    private BodyReplay replay() {
        if (replay == null) {
            replay = new BodyReplay(pool.config().retry().bufferBody());
        }
        return replay;
    }

    private boolean canRetryOnFreshConnection() {
        return upstreamReused && !retried && !responseStarted && !interim && requestDone && !expectsBody
                && isIdempotent(request.method());
    }

    private static boolean isIdempotent(HttpMethod m) {
        return HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
                || HttpMethod.PUT.equals(m) || HttpMethod.DELETE.equals(m) || HttpMethod.TRACE.equals(m);
    }

    private void backendFailed(String why) {
        upstreamReusable = false;
        if (responseStarted) {
            abort(why, Outcome.FAILURE);
        } else {
            fail(ProxyError.BACKEND_FAILED, why);
        }
    }

    // ---------------------------------------------------------------- endings

    /** The whole response went to the client. */
    private void responseEnded() {
        if (finished) {
            return;
        }
        finished = true;
        releaseReplay();
        releaseTicket(Outcome.SUCCESS);
        if (upstream != null) {
            if (upstreamReusable && requestDone) {
                loopPool.release(upstream);
            } else {
                loopPool.discard(upstream);
            }
            upstream = null;
        }
        log(null);
        client.exchangeDone(this, clientKeepAlive && requestDone);
    }

    /**
     * Answers with an error on the proxy's behalf. Only before any response byte was sent; after
     * that, {@link #abort} is the only honest ending.
     */
    private void fail(ProxyError error, String why) {
        if (finished) {
            return;
        }
        if (responseStarted) {
            abort(why, error == ProxyError.BACKEND_FAILED || error == ProxyError.BACKEND_TIMEOUT ? Outcome.FAILURE : Outcome.DROPPED);
            return;
        }
        finished = true;
        status = error.status().code();
        releaseUpstream(error == ProxyError.BACKEND_FAILED || error == ProxyError.BACKEND_TIMEOUT
                ? Outcome.FAILURE : Outcome.DROPPED);
        // The request's remaining body (if any) is unread: the connection cannot carry another request.
        boolean close = error.framingLost() || !clientKeepAlive || client.draining() || (expectsBody && !requestDone)
                || !request.decoderResult().isSuccess();
        ChannelHandlerContext c = client.ctx();
        var response = ErrorResponses.build(c.alloc(), error, requestId, close);
        if (!close && clientVersion == HttpVersion.HTTP_1_0) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        c.writeAndFlush(response, c.voidPromise());
        if (error == ProxyError.BACKEND_FAILED || error == ProxyError.BACKEND_TIMEOUT || error == ProxyError.NO_BACKEND) {
            LOG.warn("{} request {} to {} failed with {}: {}", client.channel().id(), requestId,
                    backend == null ? pool == null ? "-" : pool.name() : backend.address(), status, why);
        }
        log(why);
        client.exchangeDone(this, !close);
    }

    /** Cuts the exchange: both connections close, because neither side's framing can be trusted. */
    private void abort(String why, Outcome outcome) {
        if (finished) {
            return;
        }
        finished = true;
        releaseUpstream(outcome);
        LOG.debug("{} request {} cut: {}", client.channel().id(), requestId, why);
        log(why);
        client.exchangeDone(this, false);
        client.channel().close();
    }

    /** The client connection closed mid-exchange. */
    void clientClosed() {
        if (finished) {
            return;
        }
        finished = true;
        releaseUpstream(Outcome.DROPPED);
        log("client closed the connection");
    }

    private void releaseReplay() {
        if (replay != null) {
            replay.release();
            replay = null;
        }
    }

    /** Gives the backend slot back, exactly once; a success carries the latency sample. */
    private void releaseTicket(Outcome outcome) {
        if (ticket != null) {
            Ticket t = ticket;
            ticket = null;
            t.release(outcome == Outcome.SUCCESS ? System.nanoTime() - upstreamStartNanos : -1, outcome);
        }
    }

    private void releaseUpstream(Outcome outcome) {
        if (queued) {
            // A retry may be waiting for a slot: leave the queue at once; if a grant raced us,
            // grantedOnLoop releases it.
            pool.admission().cancel(waiter);
            if (queueTimer != null) {
                queueTimer.cancel(false);
            }
        }
        releaseReplay();
        releaseTicket(outcome);
        if (upstream != null) {
            loopPool.discard(upstream);
            upstream = null;
        }
    }

    /**
     * Answers a request that never became an exchange (its head stalled), then closes.
     */
    static void sendEarlyError(ProxyHandler client, ProxyError error) {
        ChannelHandlerContext c = client.ctx();
        c.writeAndFlush(ErrorResponses.build(c.alloc(), error, RequestIds.generate(), true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void log(String error) {
        long now = System.nanoTime();
        // Metrics first: they count every exchange, whether or not the access log is on.
        context.recorder().ended(pool == null ? null : pool.name(), backend, status, now - startNanos,
                upstreamStartNanos < 0 ? -1 : now - upstreamStartNanos);
        if (!context.accessLog().enabled()) {
            return;
        }
        String target = request.uri();
        if (target.length() > MAX_LOGGED_PATH) {
            target = target.substring(0, MAX_LOGGED_PATH);
        }
        context.accessLog().log(new AccessRecord(
                startMillis, requestId, client.remote.getAddress().getHostAddress(), request.method().name(), target,
                status, bytesIn, bytesOut, (now - startNanos) / 1000, queueNanos / 1000,
                upstreamStartNanos < 0 ? -1 : (now - upstreamStartNanos) / 1000,
                pool == null ? null : pool.name(),
                backend == null ? null : backend.address().toString(),
                backend == null ? null : backend.version(),
                tried.size(),
                pool == null ? -1 : pool.epoch(),
                error));
    }
}
