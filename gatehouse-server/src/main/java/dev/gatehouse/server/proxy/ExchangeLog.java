package dev.gatehouse.server.proxy;

import dev.gatehouse.server.log.AccessRecord;
import dev.gatehouse.server.trace.ExchangeSpan;
import dev.gatehouse.server.tunnel.TunnelStats;

/**
 * The end of an exchange as the outside sees it: one call to the metrics recorder, then one access
 * log record (when the log is on). Called exactly once per exchange, on its loop.
 */
final class ExchangeLog {

    /** Longer targets are cut in the log: a log line must stay bounded whatever the client sends. */
    private static final int MAX_LOGGED_TARGET = 2048;

    private ExchangeLog() {
    }

    /** A tunnel opened: the metrics count the handshake as the request it was (status 101, its latency). */
    static void handshake(ProxyContext context, Exchange e) {
        long now = context.clock().nanoTime();
        ExchangeFacts f = e.facts();
        context.recorder().ended(e.pool().name(), e.backend(), f.status(), now - f.startNanos(), now - upstreamStartNanos(e));
        context.recorder().clientRequest(context.listenerIndex(), f.protocol(), f.tlsProtocol());
    }

    /** A tunnel ended: one access-log line, with the bytes each way and how long it was open. */
    static void tunnelEnded(ProxyContext context, Exchange e, TunnelStats stats) {
        boolean span = e.facts().span() != ExchangeSpan.NONE;
        if (!span && !context.accessLog().enabled()) {
            return;
        }
        String how = "tunnel " + stats.end().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (stats.cause() == null ? "" : ": " + stats.cause().getMessage());
        endSpan(e, how);
        if (context.accessLog().enabled()) {
            access(context, e, context.clock().nanoTime(), how);
        }
    }

    /**
     * Records how {@code e} ended.
     *
     * @param error why the proxy answered or cut it, or {@code null} for a response passed through
     */
    static void ended(ProxyContext context, Exchange e, String error) {
        long now = context.clock().nanoTime();
        var pool = e.pool();
        var backend = e.backend();
        ExchangeFacts f = e.facts();
        long upstreamStart = upstreamStartNanos(e);
        // Metrics first: they count every exchange, whether or not the access log is on.
        // A static answer is the route's, not its pool's: the pool's meters count what backends did.
        context.recorder().ended(pool == null || f.served() != null ? null : pool.name(), backend, f.status(),
                now - f.startNanos(), upstreamStart < 0 ? -1 : now - upstreamStart);
        if (f.servedRoute() != null) {
            context.recorder().staticServed(f.servedRoute(), f.status(), f.bytesOut());
        }
        context.recorder().clientRequest(context.listenerIndex(), f.protocol(), f.tlsProtocol());
        endSpan(e, error);
        if (context.accessLog().enabled()) {
            access(context, e, now, error);
        }
    }

    /** Ends the exchange's span, if it has one, with what the access log says. */
    private static void endSpan(Exchange e, String error) {
        ExchangeFacts f = e.facts();
        if (f.span() == ExchangeSpan.NONE) {
            return; // no span export: nothing to build, on every request
        }
        var pool = e.pool();
        var backend = e.backend();
        f.span().end(f.status(), pool == null ? null : pool.name(), backend == null ? null : backend.address().toString(),
                backend == null ? null : backend.version(), pool == null ? -1 : pool.epoch(), e.tried().size(),
                f.queueNanos() / 1000, error);
    }

    private static void access(ProxyContext context, Exchange e, long now, String error) {
        var pool = e.pool();
        var backend = e.backend();
        ExchangeFacts f = e.facts();
        long upstreamStart = upstreamStartNanos(e);
        String target = e.request().uri();
        if (target.length() > MAX_LOGGED_TARGET) {
            target = target.substring(0, MAX_LOGGED_TARGET);
        }
        context.accessLog().log(new AccessRecord(
                f.startMillis(), e.requestId(), f.trace() == null ? null : f.trace().traceId(), f.clientAddress(), e.request().method().name(), target,
                f.status(), e.body().bytes(), f.bytesOut(), (now - f.startNanos()) / 1000, f.queueNanos() / 1000,
                upstreamStart < 0 ? -1 : (now - upstreamStart) / 1000,
                pool == null ? null : pool.name(),
                backend == null ? null : backend.address().toString(),
                backend == null ? null : backend.version(),
                e.tried().size(),
                pool == null ? -1 : pool.epoch(),
                error,
                f.protocol(),
                f.tlsProtocol(),
                f.served(),
                f.cache()));
    }

    /** When the last try started (its slot granted), on the node's clock; -1 when there was no try. */
    private static long upstreamStartNanos(Exchange e) {
        return e.currentTry() == null ? -1 : e.currentTry().startNanos();
    }
}
