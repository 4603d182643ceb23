package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.balance.SlowStart;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control of one pool: per-backend concurrency limits (fixed or learned), a FIFO queue
 * and slow-lane isolation. Thread-safe: called from every event loop. One instance serves every
 * snapshot of its pool.
 *
 * <p>Contract, in the shape of Netflix concurrency-limits: {@link #admit} either grants a
 * {@link Ticket} now, queues the request (its {@link Waiter} is later told of a grant, or the
 * caller takes it out with {@link #cancel}), or rejects it. Every ticket must be released exactly
 * once, with the latency of a success or -1, whatever happens to the request; its release frees
 * the slot for the queue.
 *
 * <p>Without limits ({@code !config.limited()}) admission takes no lock: the balancer picks, the
 * member counts the request started, and releasing counts it finished. With limits, see
 * {@link LimitedPool}.
 *
 * <p>The current backends are those of the latest candidate list passed to {@link #admit} (or to
 * {@link #members}); queued requests are granted only to them. The data plane should call
 * {@link #members} when it publishes a snapshot that changes the pool, so that queued requests
 * neither wait for a backend that left nor miss one that came.
 *
 * <p>A queued request's {@link PickContext} may be read by the balancer on the thread of a later
 * release (when several backends are free at once): it must stay readable and unchanged while the
 * request is queued.
 */
public final class PoolAdmission {

    private final AdmissionConfig config;
    private final Clock clock;
    /** Null without limits. */
    private final LimitedPool limited;
    private final AtomicLong unlimitedRejected = new AtomicLong();
    /** Requests held by a strict cutover, in arrival order; null when not holding. Changed under holdLock. */
    private volatile java.util.ArrayDeque<Held> held;
    private final Object holdLock = new Object();
    private final PoolTicket.Releaser unlimitedRelease;

    private PoolAdmission(AdmissionConfig config, Clock clock, SlowStart ramp) {
        this.config = config;
        this.clock = clock;
        this.limited = config.limited() ? new LimitedPool(config, clock, ramp) : null;
        this.unlimitedRelease = (ticket, latencyNanos, outcome) -> ticket.member.load().finished(
                outcome == Outcome.SUCCESS ? latencyNanos : -1, this.clock.nanoTime());
    }

    /** Creates the admission control of a pool whose backends never ramp up. */
    public static PoolAdmission create(AdmissionConfig config, Clock clock) {
        return create(config, clock, SlowStart.NONE);
    }

    /**
     * Creates the admission control of a pool.
     *
     * @param ramp scales each backend's limit by its slow-start share (rounded up, at least 1)
     */
    public static PoolAdmission create(AdmissionConfig config, Clock clock, SlowStart ramp) {
        return new PoolAdmission(Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(ramp, "ramp"));
    }

    /**
     * Decides about one request.
     *
     * <p>With limits, a request is granted when a current backend has a free slot (its pinned
     * backend, if it has one among the candidates) that no queued request can use, and for a
     * request of a slow route when the slow lane is under its cap; otherwise it queues, unless the
     * queue is full or disabled ({@code queue.max: 0}). No candidate at all: rejected.
     *
     * @param candidates the pool's members that may take new requests; with limits, this list
     *                   becomes the pool's current members (it is compared by identity to the
     *                   previous one: pass an immutable list, such as a snapshot's)
     * @param balancer   picks among the candidates that have a free slot; may be called under the
     *                   admission's lock, so it must be cheap and non-blocking (its contract)
     * @param context    the request (its method and path classify it for the slow lane; members it
     *                   {@linkplain PickContext#excludes excludes} are never chosen)
     * @param pinned     a member the request must go to (a sticky session), or null; ignored when
     *                   it is not among the candidates (matched by its load, so any snapshot's
     *                   member object of the backend will do)
     * @param waiter     told later if the request is queued; queued at most once at a time
     * @throws IllegalStateException if {@code waiter} is queued already
     */
    public Admit admit(List<Member> candidates, Balancer balancer, PickContext context, Member pinned, Waiter waiter) {
        return admit(candidates, balancer, context, pinned, waiter, false);
    }

    /**
     * Like {@link #admit(List, Balancer, PickContext, Member, Waiter)}, for a first try or a retry. A
     * retry is never held: while a strict cutover holds the pool it is rejected, because it would
     * either start an old-version request while the cutover waits for the old version to be idle,
     * or cross to the new version.
     *
     * @param retry whether this is a retry of a request already admitted once
     */
    public Admit admit(List<Member> candidates, Balancer balancer, PickContext context, Member pinned, Waiter waiter,
                       boolean retry) {
        if (held != null) {
            synchronized (holdLock) {
                if (held != null) {
                    if (retry) {
                        // A retry would start an old-version request while the cutover waits for the
                        // old version to be idle, or cross to the new one: neither may happen.
                        return new Admit.Rejected("a strict cutover is holding the pool");
                    }
                    held.add(new Held(waiter, context, pinned));
                    return new Admit.Queued();
                }
            }
        }
        if (limited == null) {
            return admitUnlimited(candidates, balancer, context, pinned);
        }
        String routeKey = limited.classifies() ? RouteKeys.of(context.method(), context.path()) : null;
        return limited.admit(candidates, balancer, context, pinned, waiter, routeKey);
    }

    private Admit admitUnlimited(List<Member> candidates, Balancer balancer, PickContext context, Member pinned) {
        Member m = null;
        if (pinned != null) {
            for (Member c : candidates) {
                if (c.load() == pinned.load() && !context.excludes(c)) {
                    m = c;
                    break;
                }
            }
        }
        if (m == null) {
            m = balancer.pick(withoutExcluded(candidates, context), context);
        }
        if (m == null) {
            unlimitedRejected.incrementAndGet();
            return new Admit.Rejected("no backend");
        }
        m.load().started(clock.nanoTime());
        return new Admit.Granted(new PoolTicket(unlimitedRelease, m, null, false, null, clock.nanoTime(), 0));
    }

    /** The candidates the request does not exclude; the same list when it excludes none (no copy). */
    private static List<Member> withoutExcluded(List<Member> candidates, PickContext context) {
        for (int i = 0; i < candidates.size(); i++) {
            if (context.excludes(candidates.get(i))) {
                List<Member> rest = new java.util.ArrayList<>(candidates.size() - 1);
                for (Member c : candidates) {
                    if (!context.excludes(c)) {
                        rest.add(c);
                    }
                }
                return rest;
            }
        }
        return candidates;
    }

    /**
     * Tells the admission the pool's current members without admitting a request, and grants
     * queued requests any capacity the change opened. Call it when a snapshot changes the pool's
     * members; a no-op without limits.
     */
    public void members(List<Member> candidates) {
        if (limited != null) {
            limited.members(List.copyOf(candidates));
        }
    }

    /**
     * Takes a queued request out of the queue (its client left, or its wait timed out).
     *
     * @return true if it was still queued; false if a slot was granted meanwhile (the grant
     *         reaches, or has reached, its waiter, which must release it)
     */
    public boolean cancel(Waiter waiter) {
        if (held != null) {
            synchronized (holdLock) {
                if (held != null && held.removeIf(h -> h.waiter() == waiter)) {
                    return true;
                }
            }
        }
        return limited != null && limited.cancel(waiter);
    }

    /**
     * Starts holding: from now on every request is queued here, none is placed, until
     * {@link #release}. For a strict cutover, which waits for the old version's requests to finish
     * before the new version takes any. Idempotent.
     */
    public void hold() {
        synchronized (holdLock) {
            if (held == null) {
                java.util.ArrayDeque<Held> h = new java.util.ArrayDeque<>();
                held = h;
                if (limited != null) {
                    // Requests queued before the hold wait with the held ones: a grant to the old
                    // version now could start after the cutover found it idle.
                    for (Waiting w : limited.takeQueued()) {
                        h.add(new Held(w.waiter, w.context, null));
                    }
                }
            }
        }
    }

    /** Whether requests are being held. */
    public boolean holding() {
        return held != null;
    }

    /**
     * Stops holding and places the held requests, in arrival order, as if they arrived now with
     * {@code candidates} (the members available after the cutover, or still the old ones when it
     * aborted): each is granted, queued, or told it was rejected.
     *
     * @return how many requests were held
     */
    public int release(List<Member> candidates, Balancer balancer) {
        java.util.ArrayDeque<Held> released;
        synchronized (holdLock) {
            released = held;
            held = null;
        }
        if (released == null) {
            return 0;
        }
        for (Held h : released) {
            switch (admit(candidates, balancer, h.context(), h.pinned(), h.waiter())) {
                case Admit.Granted g -> h.waiter().granted(g.ticket());
                case Admit.Queued q -> { }
                case Admit.Rejected r -> h.waiter().rejected(r.reason());
            }
        }
        return released.size();
    }

    /**
     * Answers the requests held now with {@code reason} (the pool keeps holding those that come
     * next): for a node that cannot tell when, or to which version, its hold will end.
     *
     * @return how many requests were answered
     */
    public int rejectHeld(String reason) {
        java.util.List<Held> answered;
        synchronized (holdLock) {
            if (held == null || held.isEmpty()) {
                return 0;
            }
            answered = new java.util.ArrayList<>(held);
            held.clear();
        }
        for (Held h : answered) {
            h.waiter().rejected(reason);
        }
        return answered.size();
    }

    /** A request held by a strict cutover. */
    private record Held(Waiter waiter, PickContext context, Member pinned) {
    }

    /** Requests waiting now (in the queue, or held by a cutover). */
    public int queueLength() {
        java.util.ArrayDeque<Held> h = held;
        int holding;
        if (h == null) {
            holding = 0;
        } else {
            synchronized (holdLock) {
                holding = held == null ? 0 : held.size();
            }
        }
        return holding + (limited == null ? 0 : limited.stats().queueLength());
    }

    /** Requests in flight at a member's backend. */
    public int inFlight(Member member) {
        return member.load().inFlight();
    }

    /** The current concurrency limit of a member's backend, or 0 when backends have no limit. */
    public int limit(Member member) {
        return limited == null ? 0 : limited.limit(member);
    }

    /** Requests that ever waited in the queue. */
    public long queuedTotal() {
        return stats().queuedTotal();
    }

    /** Requests rejected at once (no backend, queue full or disabled). */
    public long rejectedTotal() {
        return stats().rejectedTotal();
    }

    /** Queued requests taken out by {@link #cancel} before a grant (timeouts and clients gone). */
    public long timedOutOrCancelledTotal() {
        return stats().timedOutOrCancelledTotal();
    }

    /** The summed queue waits of the queued requests that were granted, in nanoseconds. */
    public long queueWaitNanosTotal() {
        return stats().queueWaitNanosTotal();
    }

    /** Slots held by requests of slow routes now. */
    public int slowInFlight() {
        return stats().slowInFlight();
    }

    /** The counters now, read together. */
    public AdmissionStats stats() {
        if (limited == null) {
            return new AdmissionStats(0, 0, unlimitedRejected.get(), 0, 0, 0);
        }
        return limited.stats();
    }

    /** The learned latency of a route key in nanoseconds, or -1 when unknown. */
    double routeLatencyNanos(String routeKey) {
        return limited == null ? -1 : limited.routeLatencyNanos(routeKey);
    }

    /** The configuration this admission enforces. */
    public AdmissionConfig config() {
        return config;
    }
}
