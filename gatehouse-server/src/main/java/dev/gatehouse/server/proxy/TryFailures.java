package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.request.FailureKind;
import dev.gatehouse.core.request.RetryAttempt;
import dev.gatehouse.core.request.RetryDecision;
import dev.gatehouse.core.state.PoolSnapshot;
import io.netty.channel.ConnectTimeoutException;

/**
 * What a failed try means for its exchange: the backend's health is told, then the request is
 * retried on another backend when {@link dev.gatehouse.core.request.RetryPolicy} allows it, else
 * answered with an error (before the response started) or cut (after). One per exchange, on its loop.
 */
final class TryFailures {

    private final Exchange exchange;
    private final ProxyContext context;
    private final ClientSide client;

    TryFailures(Exchange exchange, ProxyContext context, ClientSide client) {
        this.exchange = exchange;
        this.context = context;
        this.client = client;
    }

    /** The connection could not be made: nothing was sent, so any request may go elsewhere. */
    void connectFailed(BackendTry t, Throwable cause) {
        boolean timedOut = cause instanceof ConnectTimeoutException;
        String address = t.backend().address().toString();
        String why = timedOut ? "connect to " + address + " timed out" : "connect to " + address + " failed: " + cause.getMessage();
        exchange.pool().health().connectFailed(t.member(), timedOut ? "timed out" : String.valueOf(cause.getMessage()));
        // This is also how a sticky session whose backend died moves on without an error.
        if (!retry(FailureKind.NOT_SENT, why)) {
            exchange.endings().fail(timedOut ? ProxyError.BACKEND_TIMEOUT : ProxyError.BACKEND_FAILED, why);
        }
    }

    /** The backend closed the connection (and it was not a stale pooled one to replace). */
    void connectionLost(BackendTry t, Throwable cause) {
        boolean streaming = exchange.streaming();
        exchange.pool().health().serverError(t.member(), "connection closed " + (streaming ? "during" : "before") + " the response");
        if (streaming) {
            exchange.endings().abort("backend closed the connection during the response: " + cause.getMessage(), Outcome.FAILURE);
            return;
        }
        String why = "backend " + t.backend().address() + " closed the connection before responding: " + cause.getMessage();
        if (!retry(t.sent() ? FailureKind.MAYBE_SENT : FailureKind.NOT_SENT, why)) {
            exchange.endings().fail(ProxyError.BACKEND_FAILED, why);
        }
    }

    /** The backend timer fired: no response head in time, or a response body that stalled. */
    void timedOut(BackendTry t, long deadlineNanos) {
        PoolSnapshot pool = exchange.pool();
        pool.health().timedOut(t.member());
        if (exchange.streaming()) {
            exchange.endings().abort("backend idle for " + context.settings().backendIdle() / 1_000_000 + " ms during the response body",
                    Outcome.FAILURE);
            return;
        }
        String why = context.clock().nanoTime() >= deadlineNanos
                ? "no response within the deadline of " + pool.config().retry().deadline().toMillis() + " ms"
                : "no response from " + t.backend().address() + " within " + t.headTimeoutNanos() / 1_000_000 + " ms";
        if (!retry(FailureKind.TIMEOUT, why)) {
            exchange.endings().fail(ProxyError.BACKEND_TIMEOUT, why);
        }
    }

    /**
     * A final 5xx response head from {@code t}: a failure for the backend's health, and retried when
     * its status is in {@code retries.on_status} and a retry is allowed.
     *
     * @return whether the request was retried (the response is then dropped unread)
     */
    boolean retriedOnStatus(BackendTry t, int code) {
        PoolSnapshot pool = exchange.pool();
        pool.health().serverError(t.member(), "HTTP " + code);
        return pool.config().retry().retriesStatus(code)
                && retry(FailureKind.STATUS, "backend " + t.backend().address() + " answered " + code);
    }

    /**
     * Sends the request to another backend if the retry policy allows it; only while no response
     * byte went to the client.
     *
     * @return whether the request was retried (or failed for want of a backend after all)
     */
    private boolean retry(FailureKind kind, String why) {
        if (exchange.ended() || exchange.streaming()) {
            return false;
        }
        PoolSnapshot pool = exchange.pool();
        RequestBody body = exchange.body();
        RetryDecision decision = context.retries().decide(pool, kind, new RetryAttempt(exchange.idempotent(),
                exchange.tried(), exchange.expectsBody(), body.started(), body.replayable(), exchange.deadlineNanos()));
        if (!(decision instanceof RetryDecision.Retry retry)) {
            if (((RetryDecision.NoRetry) decision).reason() == RetryDecision.Reason.BUDGET_SPENT) {
                Exchange.LOG.debug("{} request {}: {}; not retried, the retry budget of pool {} is spent",
                        client.logId(), exchange.requestId(), why, pool.name());
            }
            return false;
        }
        Exchange.LOG.debug("{} request {}: {}; retrying on another backend", client.logId(), exchange.requestId(), why);
        exchange.facts().span().retry(why);
        exchange.retryOn(retry.candidates(), kind == FailureKind.TIMEOUT ? ProxyError.BACKEND_TIMEOUT : ProxyError.BACKEND_FAILED,
                why + "; no other backend could take the retry: ");
        return true;
    }
}
