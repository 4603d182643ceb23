package dev.gatehouse.server.proxy;

import dev.gatehouse.core.request.TargetChooser;
import dev.gatehouse.core.state.PoolSnapshot;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Turns a backend's response head into the client's: hop-by-hop headers out and the forwarding
 * ones in ({@link HeaderRewriter}), what the node says about it (the serving epoch, the sticky
 * cookie), and the framing for the client's HTTP version ({@link ResponseFraming}). One per
 * exchange, on its loop.
 */
final class ResponseStart {

    /**
     * What the framing decided.
     *
     * @param backendReusable whether the backend connection may be pooled once the exchange completes
     * @param clientKeepAlive whether the client connection stays open after this response
     */
    record Framed(boolean backendReusable, boolean clientKeepAlive) {
    }

    private final Exchange exchange;
    private final ProxyContext context;

    ResponseStart(Exchange exchange, ProxyContext context) {
        this.exchange = exchange;
        this.context = context;
    }

    /**
     * Rewrites a final (non-1xx) response head from {@code t} in place for the client.
     *
     * @param keepAlive whether the client connection may stay open as far as the client and the node are concerned
     * @param framing   the backend's framing, read before anything of the head was changed
     */
    Framed frame(BackendTry t, HttpResponse response, boolean keepAlive, ResponseFraming framing) {
        var request = exchange.request();
        HttpHeaders h = response.headers();
        context.rewriter().rewriteResponse(h, response.protocolVersion(), exchange.requestId());
        decorate(t, h);
        boolean stays = framing.frameForClient(response, request.protocolVersion(), keepAlive);
        return new Framed(framing.backendReusable(), stays);
    }

    /** Adds what the node says about a response: the serving epoch and the sticky cookie. */
    void decorate(BackendTry t, HttpHeaders h) {
        PoolSnapshot pool = exchange.pool();
        long epoch = TargetChooser.servedEpoch(pool, context.snapshots().current().pool(pool.name()), t.backend());
        if (epoch > 0) {
            // Which live version served this: a client (or a test) can tell old from new after a cutover.
            h.set(Exchange.EPOCH_HEADER, epoch);
        }
        if (pool.sticky() != null) {
            // Binds a new client, rebinds one whose backend went away, refreshes everyone else's expiry.
            h.add(HttpHeaderNames.SET_COOKIE, pool.sticky().setCookieHeader(t.member()));
        }
    }
}
