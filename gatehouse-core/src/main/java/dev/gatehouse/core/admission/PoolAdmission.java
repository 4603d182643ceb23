package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.time.Clock;
import java.util.List;

/**
 * Admission control of one pool. Thread-safe: called from every event loop.
 *
 * <p>PLACEHOLDER CONTRACT (being implemented): without limits every request is granted at once on
 * the balancer's pick.
 */
public final class PoolAdmission {

    private final AdmissionConfig config;
    private final Clock clock;

    private PoolAdmission(AdmissionConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Creates the admission control of a pool. */
    public static PoolAdmission create(AdmissionConfig config, Clock clock) {
        return new PoolAdmission(config, clock);
    }

    /**
     * Decides about one request.
     *
     * @param candidates the pool's members that may take new requests
     * @param balancer   picks among the candidates that have a free slot
     * @param context    the request (its method and path classify it for the slow lane)
     * @param pinned     a member the request must go to (a sticky session), or null
     * @param waiter     told later if the request is queued
     */
    public Admit admit(List<Member> candidates, Balancer balancer, PickContext context, Member pinned, Waiter waiter) {
        Member m = pinned != null ? pinned : balancer.pick(candidates, context);
        if (m == null) {
            return new Admit.Rejected("no backend");
        }
        m.load().started();
        long start = clock.nanoTime();
        return new Admit.Granted(new Ticket() {
            private boolean released;

            @Override
            public Member member() {
                return m;
            }

            @Override
            public synchronized void release(long latencyNanos, Outcome outcome) {
                if (!released) {
                    released = true;
                    m.load().finished(outcome == Outcome.SUCCESS ? latencyNanos : -1, clock.nanoTime());
                }
            }
        });
    }

    /**
     * Takes a queued request out of the queue (its client left, or its wait timed out).
     *
     * @return true if it was still queued; false if a slot was granted meanwhile (the grant
     *         reaches, or has reached, its waiter, which must release it)
     */
    public boolean cancel(Waiter waiter) {
        return false;
    }

    /** Requests waiting now. */
    public int queueLength() {
        return 0;
    }

    /** The configuration this admission enforces. */
    public AdmissionConfig config() {
        return config;
    }
}
