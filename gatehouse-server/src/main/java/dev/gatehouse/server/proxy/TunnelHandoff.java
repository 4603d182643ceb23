package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.server.tunnel.Tunnel;
import dev.gatehouse.server.tunnel.TunnelInfo;
import dev.gatehouse.server.tunnel.TunnelStats;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The end of an upgrade request's exchange once its backend answered {@code 101}: the 101 goes to
 * the client, the client and backend connections become a {@link Tunnel}, and the exchange ends
 * when the tunnel does (one access-log line then, with the bytes each way and how long it was open).
 * Whether the tunnel keeps its backend slot is the pool's {@code tunnels.hold_slot}. Loop-confined.
 */
final class TunnelHandoff {

    /** WebSocket close code 1001, Going Away: what clients get when the node stops. */
    private static final int GOING_AWAY = 1001;
    /** WebSocket close code 1012, Service Restart: the node restarted; reconnecting reaches the new process. */
    private static final int SERVICE_RESTART = 1012;

    private final Exchange exchange;
    private final ProxyContext context;
    private final ClientSide client;
    private Tunnel tunnel;

    TunnelHandoff(Exchange exchange, ProxyContext context, ClientSide client) {
        this.exchange = exchange;
        this.context = context;
        this.client = client;
    }

    /** The backend agreed to switch protocols: the {@code 101} head goes to the client, unflushed. */
    void switching(BackendTry t, HttpResponse response) {
        exchange.pool().health().succeeded(t.member());
        HttpHeaders h = response.headers();
        String protocol = h.get(HttpHeaderNames.UPGRADE);
        context.rewriter().rewriteResponse(h, response.protocolVersion(), exchange.requestId());
        UpgradeRequest.restoreSwitchHeaders(h, protocol);
        exchange.responses().decorate(t, h);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        client.stopBackendTimer();
        client.write(response);
        client.write(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /**
     * Joins the client and the backend connection. Called from within the read that delivered the
     * {@code 101}'s end, so that nothing the backend sent after it is decoded as HTTP.
     */
    void open(BackendTry t, Channel backend, boolean webSocket) {
        PoolSnapshot pool = exchange.pool();
        TunnelsConfig policy = pool.config().tunnels();
        if (!policy.holdSlot()) {
            // An async app holds thousands of these: the slot is for requests, not for open sockets.
            t.releaseSlot();
        }
        // Metrics count the handshake as the request it was; the access log waits for the tunnel's end.
        ExchangeLog.handshake(context, exchange);
        Channel joinable = client.upgradableChannel();
        if (joinable == null) {
            backend.close();
            exchange.endings().abort("this client side cannot carry a tunnel", Outcome.DROPPED);
            return;
        }
        tunnel = Tunnel.builder(joinable, backend)
                .pool(context.upstreams().forLoop(client.eventLoop()))
                .webSocket(webSocket)
                .idleTimeout(policy.idleTimeout())
                .closeDeadline(policy.closeTimeout())
                .registry(context.tunnels(), new TunnelInfo(pool.name(), t.backend().address(), t.backend().version(),
                        policy.holdSlot()))
                .onEnd(exchange.endings()::tunnelEnded)
                .open();
        // The exchange lives as long as the tunnel (it logs its end), but nothing reads the request's
        // headers again: at thousands of idle WebSockets their entries are a good part of the heap.
        exchange.request().headers().clear();
        if (client.draining()) {
            // The node began to stop while the handshake was in flight: drain() found no tunnel
            // then, so this one says goodbye now rather than hold the shutdown to its timeout.
            drain();
        }
    }

    /**
     * The node is shutting down: the tunnel ends cleanly (WebSocket: Close 1001 both ways). After a
     * hitless restart the new process serves, so a WebSocket is told to come back (1012, Service
     * Restart), as its pool's policy says: {@code close} after its {@code grace}, {@code keep} only
     * when the drain is about to run out, so that it can end by itself first; either way early
     * enough for the Close handshake to finish within the drain.
     */
    void drain() {
        if (tunnel == null) {
            return;
        }
        ClientConnections connections = context.connections();
        if (!connections.handedOver()) {
            tunnel.closeGracefully(GOING_AWAY, "node shutting down");
            return;
        }
        TunnelsConfig policy = exchange.pool().config().tunnels();
        // Late enough for the goodbye to finish before the drain runs out and cuts what is left.
        long latest = connections.drainNanos() - policy.closeTimeout().toNanos();
        long delay = policy.onCutover() == TunnelsConfig.OnCutover.CLOSE ? Math.min(policy.grace().toNanos(), latest) : latest;
        Tunnel t = tunnel;
        Runnable close = () -> t.closeGracefully(SERVICE_RESTART, "service restart");
        if (delay <= 0) {
            close.run();
        } else {
            client.eventLoop().schedule(close, delay, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Writes the tunnel's access-log line. */
    void ended(TunnelStats stats) {
        ExchangeLog.tunnelEnded(context, exchange, stats);
    }
}
