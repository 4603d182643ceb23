package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Admit;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.request.RetryPolicy;
import dev.gatehouse.core.request.Target;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.sticky.StickyCookies;
import java.util.List;

/**
 * An exchange's requests for a backend slot, the first one's and each retry's: asks the pool's
 * admission, waits in its queue when told to ({@link QueueWait}, bounded by the queue timeout and,
 * for a retry, by what the deadline leaves), and ends the exchange with the status a rejection or
 * a timeout deserves. A granted slot goes back to the exchange ({@link Exchange#granted}), which
 * starts a try with it. Also keeps the exchange's deadline, set when the first request is made.
 * Loop-confined: grants from other threads hop to the loop in {@link QueueWait}.
 */
final class SlotRequest implements QueueWait.Outcomes {

    private final Exchange exchange;
    private final ProxyContext context;
    private final Endings endings;
    private final TriedBackends tried;
    private final QueueWait queue;
    /** When the last try must have its response head, on the node's clock; Long.MAX_VALUE for none. */
    private long deadlineNanos = Long.MAX_VALUE;

    SlotRequest(Exchange exchange, ProxyContext context, ClientSide client, TriedBackends tried) {
        this.exchange = exchange;
        this.context = context;
        this.endings = exchange.endings();
        this.tried = tried;
        this.queue = new QueueWait(client.eventLoop(), this);
    }

    /**
     * The first request for a slot in the exchange's pool: counts the request for the retry budget,
     * starts the deadline, then asks admission for the candidates the chooser names (a sticky
     * cookie's backend, a canary's share, version affinity).
     */
    void first(long startNanos) {
        PoolSnapshot pool = exchange.pool();
        pool.retryBudget().recordRequest();
        deadlineNanos = RetryPolicy.deadline(pool, startNanos);
        StickyCookies sticky = pool.sticky();
        Target chosen = context.targets().choose(pool, sticky == null ? null : tried.cookie(sticky.name()));
        admit(pool.admission().admit(chosen.candidates(), pool.balancer(), tried, chosen.pinned(), queue), ProxyError.NO_BACKEND,
                "pool " + pool.name() + " has no available backend: ");
    }

    /** A retry's request for a slot on one of {@code candidates}; a rejection ends the exchange with {@code onReject}. */
    void retry(List<Member> candidates, ProxyError onReject, String rejectWhy) {
        PoolSnapshot pool = exchange.pool();
        String stale = context.fleet().refusal(pool.name());
        if (stale != null) {
            // Gone stale since the first try: another node may serve a newer version by now.
            endings.fail(ProxyError.NODE_STALE, stale);
            return;
        }
        admit(pool.admission().admit(candidates, pool.balancer(), tried, null, queue, true), onReject, rejectWhy);
    }

    /** When the last try must have its response head, on the node's clock; Long.MAX_VALUE for none. */
    long deadlineNanos() {
        return deadlineNanos;
    }

    /** The wait in the queue, over every request of the exchange. */
    QueueWait queue() {
        return queue;
    }

    /** Acts on the admission's answer: a slot now, a wait in the queue, or an error. */
    private void admit(Admit admit, ProxyError onReject, String rejectWhy) {
        switch (admit) {
            case Admit.Granted g -> granted(g.ticket());
            case Admit.Queued q -> enqueue();
            case Admit.Rejected r -> endings.fail(onReject, rejectWhy + r.reason());
        }
    }

    /** Waits in the pool's queue; its timeout answers 503, a grant resumes the exchange. */
    private void enqueue() {
        exchange.queued();
        exchange.facts().span().queued();
        long timeout = exchange.pool().admission().config().queue().timeout().toNanos();
        if (!tried.isEmpty() && deadlineNanos != Long.MAX_VALUE) {
            // A retry waits no longer than the deadline leaves.
            timeout = Math.min(timeout, Math.max(0, deadlineNanos - context.clock().nanoTime()));
        }
        queue.start(exchange.pool().admission(), timeout);
    }

    @Override
    public boolean ended() {
        return exchange.ended();
    }

    @Override
    public void timedOut() {
        PoolSnapshot pool = exchange.pool();
        if (!tried.isEmpty() && context.clock().nanoTime() >= deadlineNanos) {
            endings.fail(ProxyError.BACKEND_TIMEOUT, "no response within the deadline of "
                    + pool.config().retry().deadline().toMillis() + " ms (the retry waited for a backend slot)");
            return;
        }
        endings.fail(ProxyError.NO_BACKEND, "no backend slot within the queue timeout of "
                + pool.admission().config().queue().timeout().toMillis() + " ms");
    }

    @Override
    public void rejected(String reason) {
        endings.fail(ProxyError.NO_BACKEND, "pool " + exchange.pool().name() + " had no place for the request after a cutover: " + reason);
    }

    @Override
    public void granted(Ticket ticket) {
        String stale = context.fleet().refusal(exchange.pool().name());
        if (stale != null) {
            // Queued while current, granted once stale: it must not start on what may be an old version.
            ticket.release(0, dev.gatehouse.core.admission.Outcome.DROPPED);
            endings.fail(ProxyError.NODE_STALE, stale);
            return;
        }
        exchange.granted(ticket);
    }
}
