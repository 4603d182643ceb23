package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.server.tunnel.TunnelStats;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The ways an {@link Exchange} ends, each taken at most once whichever comes first: the response
 * completed, the proxy answered with an error before any response byte, the exchange was cut after
 * the response started (both connections then close: neither side's framing can be trusted), the
 * client left, or its tunnel ended. Each gives the backend slot and connection back (or closes it),
 * releases what the request body kept, and logs once ({@link ExchangeLog}). Loop-confined.
 */
final class Endings {

    private final Exchange exchange;
    private final ProxyContext context;
    private final ClientSide client;

    Endings(Exchange exchange, ProxyContext context, ClientSide client) {
        this.exchange = exchange;
        this.context = context;
        this.client = client;
    }

    /** The whole response went to the client. */
    void responseEnded() {
        if (!exchange.finish()) {
            return;
        }
        RequestBody body = exchange.body();
        body.release();
        exchange.currentTry().finish(body.done());
        ExchangeLog.ended(context, exchange, null);
        client.exchangeDone(exchange, exchange.clientKeepAlive() && body.done());
    }

    /** The response ended before the whole request body arrived: the rest cannot be told from a next request. */
    void responseEndedEarly() {
        exchange.clientKeepAlive(false);
        responseEnded();
    }

    /** The backend failed: answered with 502 before the response started, cut after. */
    void backendFailed(String why) {
        if (exchange.streaming()) {
            abort(why, Outcome.FAILURE);
        } else {
            fail(ProxyError.BACKEND_FAILED, why);
        }
    }

    /**
     * A client error: answered before the response started, cut after.
     *
     * @param limit the client limit the client went past (counted and logged as such), or {@code null}
     */
    void clientFailed(ProxyError error, String why, ClientLimit limit) {
        if (limit != null) {
            limitHit(limit, why);
        }
        if (exchange.streaming()) {
            abort(why, Outcome.DROPPED);
        } else {
            fail(error, why);
        }
    }

    /**
     * Answers with an error on the proxy's behalf. Only before any response byte was sent; after
     * that, {@link #abort} is the only honest ending.
     */
    void fail(ProxyError error, String why) {
        fail(error, why, false);
    }

    /**
     * Like {@link #fail(ProxyError, String)}; with {@code tellClient}, the response body names the
     * problem too (for mistakes of the client's own, never for anything about the node).
     */
    void fail(ProxyError error, String why, boolean tellClient) {
        fail(error, why, tellClient, 0);
    }

    /** The route refused the request: for a client limit when {@code refusal} says so, else with {@code error}. */
    void refuseOrFail(Refusal refusal, ProxyError error, String why) {
        if (refusal != null) {
            refuse(refusal);
        } else {
            fail(error, why);
        }
    }

    /** A head that failed its checks ({@link RequestHead}): refused for a client limit, or answered. */
    void refused(RequestHead head) {
        if (head.limit() != null) {
            refuse(new Refusal(head.limit(), head.error(), head.problem(), 0));
        } else {
            fail(head.error(), head.problem(), head.told());
        }
    }

    /**
     * Refuses the request for going past a client limit: counted and logged as such
     * ({@link ClientLimits#hit}), then answered like any error, with the refusal's {@code Retry-After}.
     */
    void refuse(Refusal r) {
        limitHit(r.limit(), r.why());
        fail(r.error(), r.why(), false, r.retryAfterSeconds());
    }

    /** Counts and logs a client limit hit by this exchange; its ending is the caller's. */
    private void limitHit(ClientLimit limit, String why) {
        context.limits().hit(limit, client.logId(), exchange.facts().clientAddress(), why);
    }

    private void fail(ProxyError error, String why, boolean tellClient, long retryAfterSeconds) {
        boolean backendFault = error == ProxyError.BACKEND_FAILED || error == ProxyError.BACKEND_TIMEOUT;
        if (exchange.streaming()) {
            abort(why, backendFault ? Outcome.FAILURE : Outcome.DROPPED);
            return;
        }
        if ((backendFault || error == ProxyError.NO_BACKEND) && exchange.answers().answerStale(error.status().code())) {
            // A stale copy the response allows to stand in for an error answered instead.
            return;
        }
        if (!exchange.finish()) {
            return;
        }
        exchange.facts().status(error.status().code());
        release(backendFault ? Outcome.FAILURE : Outcome.DROPPED);
        var request = exchange.request();
        // The request's remaining body (if any) is unread: the connection cannot carry another request.
        boolean close = error.framingLost() || !exchange.clientKeepAlive() || client.draining()
                || (exchange.expectsBody() && !exchange.body().done()) || !request.decoderResult().isSuccess();
        var response = ErrorResponses.build(client.alloc(), error, exchange.requestId(), close, request.protocolVersion(),
                retryAfterSeconds);
        if (tellClient) {
            ByteBufUtil.writeAscii(response.content(), why + "\n");
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        client.writeAndFlush(response);
        if (backendFault || error == ProxyError.NO_BACKEND) {
            var pool = exchange.pool();
            Exchange.LOG.warn("{} request {} to {} failed with {}: {}", client.logId(), exchange.requestId(),
                    exchange.backend() == null ? pool == null ? "-" : pool.name() : exchange.backend().address(),
                    exchange.facts().status(), why);
        }
        ExchangeLog.ended(context, exchange, why);
        client.exchangeDone(exchange, !close);
    }

    /**
     * Answers with a redirect to {@code location} on the proxy's behalf (a redirect route): counted
     * and logged like any answer, with no pool and no backend. The connection stays open when the
     * whole request was read.
     */
    void redirected(int code, String location) {
        if (!exchange.finish()) {
            return;
        }
        exchange.facts().status(code);
        release(Outcome.DROPPED);
        var request = exchange.request();
        boolean close = closesAfterOwnAnswer();
        client.writeAndFlush(ErrorResponses.redirect(client.alloc(), code, location, exchange.requestId(), close,
                request.protocolVersion()));
        ExchangeLog.ended(context, exchange, null);
        client.exchangeDone(exchange, !close);
    }

    /**
     * The route's own answer ({@link StaticAnswer}) was queued whole: counted and logged like any
     * answer, with no backend.
     *
     * @param close whether the answer announced {@code Connection: close}
     */
    void answered(int code, boolean close) {
        if (!exchange.finish()) {
            return;
        }
        exchange.facts().status(code);
        release(Outcome.SUCCESS);
        ExchangeLog.ended(context, exchange, null);
        client.exchangeDone(exchange, !close);
    }

    /**
     * Whether the connection closes after an answer the node makes itself: the client or a drain
     * says so, or request body is still unread (it could not be told from the next request).
     */
    boolean closesAfterOwnAnswer() {
        return !exchange.clientKeepAlive() || client.draining() || (exchange.expectsBody() && !exchange.body().done());
    }

    /** Cuts the exchange: both connections close, because neither side's framing can be trusted. */
    void abort(String why, Outcome outcome) {
        if (!exchange.finish()) {
            return;
        }
        release(outcome);
        Exchange.LOG.debug("{} request {} cut: {}", client.logId(), exchange.requestId(), why);
        ExchangeLog.ended(context, exchange, why);
        client.exchangeDone(exchange, false);
        client.close();
    }

    /** The client connection closed mid-exchange; a tunnel ends by itself when its connections close. */
    void clientClosed() {
        if (exchange.state() == ExchangeState.TUNNEL || !exchange.finish()) {
            return;
        }
        release(Outcome.DROPPED);
        ExchangeLog.ended(context, exchange, "client closed the connection");
    }

    /** The tunnel ended (both connections are closed): its slot, if it kept one, goes back. */
    void tunnelEnded(TunnelStats stats) {
        if (!exchange.finish()) {
            return;
        }
        exchange.body().countTunnelled(stats.bytesClientToBackend());
        exchange.body().release();
        exchange.facts().responseBytes(stats.bytesBackendToClient());
        exchange.currentTry().abandon(Outcome.SUCCESS);
        ExchangeLog.tunnelEnded(context, exchange, stats);
        client.exchangeDone(exchange, false);
    }

    private void release(Outcome outcome) {
        // A retry may be waiting for a slot: leave the queue at once.
        exchange.queue().cancel();
        exchange.body().release();
        exchange.answers().release();
        if (exchange.currentTry() != null) {
            exchange.currentTry().abandon(outcome);
        }
    }
}
