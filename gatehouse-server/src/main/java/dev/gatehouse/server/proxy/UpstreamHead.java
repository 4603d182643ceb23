package dev.gatehouse.server.proxy;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.trace.TraceParent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The request head as the backends get it. Before the first try it is rewritten in place, once
 * ({@link HeaderRewriter}: hop-by-hop headers out, forwarding headers and the request id in; on a
 * TLS listener that asks for it, the verified client certificate's subject; the trace context,
 * {@link TraceHeaders}; an upgrade's
 * {@code Connection} and {@code Upgrade} put back). A client that sent no {@code Host} (HTTP/1.0)
 * has each try name that try's backend. Loop-confined.
 */
final class UpstreamHead {

    private final HttpRequest request;
    private final ProxyContext context;
    private final ClientSide client;
    /** The request's Host header is the backend's address, set by us (the client sent none). */
    private boolean hostIsBackend;

    UpstreamHead(HttpRequest request, ProxyContext context, ClientSide client) {
        this.request = request;
        this.context = context;
        this.client = client;
    }

    /**
     * Makes the head ready for a try on {@code member}.
     *
     * @param firstTry whether this is the exchange's first try (the head is then rewritten)
     * @param trace    the request's trace, or null when tracing is off
     * @param upgrade  the request's upgrade, or null
     */
    void forTry(Member member, boolean firstTry, String requestId, TraceParent trace, UpgradeRequest upgrade) {
        HttpHeaders h = request.headers();
        if (firstTry) {
            context.rewriter().rewriteRequest(h, request.protocolVersion(), client.remoteAddress().getAddress(),
                    client.tls().scheme(), requestId);
            if (context.tls() != null) {
                HeaderRewriter.clientCertificate(h, context.tls().current().subjectHeader(), client.tls().subject());
            }
            // After the hop-by-hop headers went: the trace the node decided on reaches the backend.
            TraceHeaders.forBackend(h, trace);
            hostIsBackend = !h.contains(HttpHeaderNames.HOST);
            if (upgrade != null) {
                upgrade.restoreHeaders(h);
            }
        }
        if (hostIsBackend) {
            // The client sent no Host (HTTP/1.0): name the backend this try goes to.
            h.set(HttpHeaderNames.HOST, member.backend().address().toString());
        }
    }
}
