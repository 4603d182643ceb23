package dev.gatehouse.core.admission;

import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.balance.SlowStart;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The admission of a pool whose backends have limits (fixed or adaptive), with its queue and slow
 * lane.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>One lock</b> guards everything here: the slots of every backend, the queue, the slow
 *       lane and the counters. Critical sections are short and never block; the balancer is called
 *       under it (balancers must be cheap and non-blocking by contract); waiters never are: grants
 *       are collected under the lock and handed over by {@link Grants} after it is released.
 *       {@link BackendLoad#started()} is called under the lock right after a slot is taken and
 *       {@link BackendLoad#finished} before the lock is taken to give it back, so
 *       {@code load.inFlight() <= held <= limit} for every backend at every moment.</li>
 *   <li><b>Backends</b> are keyed by their {@link BackendLoad}, which successive snapshots share,
 *       so a new snapshot's {@link Member} object finds the same slots and learned limit. The
 *       <b>current</b> backends are those of the latest candidate list passed to {@link #admit}
 *       or {@link #members}; only they get new grants. A backend that left keeps its slots until
 *       its tickets are released, then is forgotten. Two event loops admitting with lists of two
 *       snapshots around a swap may alternate the current list for a moment; each list is
 *       consistent, so the only cost is a rebuild.</li>
 *   <li><b>Dispatch</b> ({@link #dispatch}) walks the queue from its head and grants every waiter
 *       that can use a free slot now: an unpinned one any free current backend (the balancer
 *       chooses when several are free), a pinned one only its backend (it is skipped but keeps
 *       its place while that one is busy; a pin to a backend that left is ignored), a slow one
 *       only while the slow lane is under its cap (it is skipped, keeping its place among slow
 *       ones, so fast waiters behind it are served); a probe slot above what a backend has
 *       proven ({@link MemberSlots#usable}) only to a fast request, and only while the backend
 *       holds no slow one. The walk stops when no waiting kind can be placed, or when only slow
 *       waiters that cannot be placed remain. It runs after every release, and at every admit that
 *       finds a queue. After a dispatch no queued request can use any free slot, so a new request
 *       that can still be placed takes nothing a queued one could use: that is when it passes the
 *       queue (fast requests passing capped slow ones are the point of the slow lane); otherwise
 *       it queues behind them.</li>
 * </ul>
 */
final class LimitedPool implements PoolTicket.Releaser {

    private final AdmissionConfig config;
    private final Clock clock;
    private final SlowLane slowLane;
    private final SlowStart ramp;
    private final ReentrantLock lock = new ReentrantLock();
    private final WaitQueue queue = new WaitQueue();
    private final Map<BackendLoad, MemberSlots> slots = new IdentityHashMap<>();
    private final List<MemberSlots> current = new ArrayList<>();
    private List<Member> lastCandidates;
    private int slowInFlight;
    private long queuedTotal;
    private long rejectedTotal;
    private long cancelledTotal;
    private long queueWaitNanosTotal;

    LimitedPool(AdmissionConfig config, Clock clock, SlowStart ramp) {
        this.config = config;
        this.clock = clock;
        this.ramp = ramp;
        this.slowLane = config.slowLane() == null ? null : new SlowLane(config.slowLane());
    }

    /** Whether requests need a route key (the slow lane is on). */
    boolean classifies() {
        return slowLane != null;
    }

    /** See {@link PoolAdmission#admit}; {@code routeKey} is null without a slow lane. */
    Admit admit(List<Member> candidates, Balancer balancer, PickContext context, Member pinned, Waiter waiter,
                String routeKey) {
        Admit result;
        List<Grants.Delivery> deliveries;
        lock.lock();
        try {
            if (queue.contains(waiter)) {
                throw new IllegalStateException("waiter " + waiter + " is queued already");
            }
            refresh(candidates);
            if (current.isEmpty()) {
                rejectedTotal++;
                return new Admit.Rejected("no backend");
            }
            deliveries = dispatch();
            boolean slow = slowLane != null && slowLane.isSlow(routeKey);
            BackendLoad pin = pinned == null ? null : pinned.load();
            MemberSlots chosen = slow && slowCapReached() ? null : choose(pin, balancer, context, slow);
            int max = config.queue().max();
            if (chosen != null) {
                result = new Admit.Granted(grant(chosen, slow, routeKey));
            } else if (max == 0) {
                rejectedTotal++;
                result = new Admit.Rejected("every backend at its limit (no queue)");
            } else if (queue.size() >= max) {
                rejectedTotal++;
                result = new Admit.Rejected("queue full (" + max + ")");
            } else {
                queue.add(new Waiting(waiter, context, balancer, pin, routeKey, slow, clock.nanoTime()));
                queuedTotal++;
                result = new Admit.Queued();
            }
        } finally {
            lock.unlock();
        }
        Grants.deliver(deliveries);
        return result;
    }

    /** See {@link PoolAdmission#members}. */
    void members(List<Member> candidates) {
        List<Grants.Delivery> deliveries;
        lock.lock();
        try {
            refresh(candidates);
            deliveries = dispatch();
        } finally {
            lock.unlock();
        }
        Grants.deliver(deliveries);
    }

    /**
     * Takes every queued request out of the queue, in order, without granting or counting them as
     * cancelled: a strict cutover holds them (see {@link PoolAdmission#hold}) and places them again
     * when it releases.
     */
    List<Waiting> takeQueued() {
        lock.lock();
        try {
            List<Waiting> out = new ArrayList<>(queue.size());
            for (Waiting w = queue.head(); w != null; ) {
                Waiting next = w.next;
                queue.remove(w);
                out.add(w);
                w = next;
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** See {@link PoolAdmission#cancel}. */
    boolean cancel(Waiter waiter) {
        lock.lock();
        try {
            if (queue.remove(waiter) == null) {
                return false;
            }
            cancelledTotal++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(PoolTicket ticket, long latencyNanos, Outcome outcome) {
        long now = clock.nanoTime();
        boolean measured = outcome == Outcome.SUCCESS && latencyNanos >= 0;
        ticket.member.load().finished(measured ? latencyNanos : -1, now);
        List<Grants.Delivery> deliveries;
        lock.lock();
        try {
            MemberSlots s = ticket.slots;
            s.held--;
            if (ticket.slow) {
                slowInFlight--;
                s.slowHeld--;
            }
            learn(s, ticket, measured ? latencyNanos : -1, outcome, now);
            if (!s.current && s.held == 0 && slots.get(s.member.load()) == s) {
                slots.remove(s.member.load());
            }
            deliveries = dispatch();
        } finally {
            lock.unlock();
        }
        Grants.deliver(deliveries);
    }

    /** The current limit of a member's backend. */
    int limit(Member member) {
        lock.lock();
        try {
            MemberSlots s = slots.get(member.load());
            return s != null ? s.limit.current() : Limit.of(config).current();
        } finally {
            lock.unlock();
        }
    }

    /** The counters now. */
    AdmissionStats stats() {
        lock.lock();
        try {
            return new AdmissionStats(queue.size(), queuedTotal, rejectedTotal, cancelledTotal, queueWaitNanosTotal,
                    slowInFlight);
        } finally {
            lock.unlock();
        }
    }

    /** The learned latency of a route key in nanoseconds, or -1 (for tests and diagnostics). */
    double routeLatencyNanos(String routeKey) {
        lock.lock();
        try {
            return slowLane == null ? -1 : slowLane.latencyNanos(routeKey);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- under the lock

    /** Makes {@code candidates} the current backends, unless it is the current list already. */
    private void refresh(List<Member> candidates) {
        if (candidates == lastCandidates) {
            return;
        }
        lastCandidates = candidates;
        for (MemberSlots s : current) {
            s.current = false;
        }
        current.clear();
        for (Member m : candidates) {
            MemberSlots s = slots.get(m.load());
            if (s == null) {
                s = new MemberSlots(m, Limit.of(config), ramp);
                slots.put(m.load(), s);
            }
            s.member = m;
            if (!s.current) {
                s.current = true;
                current.add(s);
            }
        }
        slots.values().removeIf(s -> !s.current && s.held == 0);
    }

    /**
     * Teaches the backend's limit and the slow lane one sample. With a slow lane the limit judges
     * the latency against its route's baseline; the first sample of a route has none, so it
     * teaches the route only.
     */
    private void learn(MemberSlots s, PoolTicket ticket, long latencyNanos, Outcome outcome, long now) {
        if (slowLane == null) {
            s.limit.onSample(latencyNanos, 0, outcome, ticket.inFlightAtStart, ticket.startNanos, now);
            return;
        }
        long baseline = latencyNanos < 0 ? 0 : slowLane.baselineNanos(ticket.routeKey);
        s.limit.onSample(baseline < 0 ? -1 : latencyNanos, baseline, outcome, ticket.inFlightAtStart,
                ticket.startNanos, now);
        if (latencyNanos >= 0) {
            slowLane.record(ticket.routeKey, latencyNanos, now);
        }
    }

    /** Grants every queued request that can use a free slot now, in queue order; see the class notes. */
    private List<Grants.Delivery> dispatch() {
        if (queue.isEmpty()) {
            return List.of();
        }
        int slowCap = slowCap();
        int fastBehind = queue.fastCount();
        long now = clock.nanoTime();
        List<Grants.Delivery> out = new ArrayList<>();
        // Slots a fast and a slow request may take now; counted again after each grant. The walk
        // ends as soon as neither kind can be placed: counting free slots alone walked the whole
        // queue at every release while only probe slots were free (which fast requests may not
        // take behind a slow one), and with a backlog of a thousand that walk was the node's
        // bottleneck.
        int fastFree = usable(false);
        int slowFree = slowInFlight < slowCap ? usable(true) : 0;
        Waiting w = queue.head();
        while (w != null && (fastFree > 0 || slowFree > 0)) {
            Waiting next = w.next;
            if (!w.slow) {
                fastBehind--;
            }
            if (w.slow ? slowFree == 0 : fastFree == 0) {
                if (slowFree == 0 && fastBehind == 0) {
                    break;
                }
            } else {
                MemberSlots s = choose(w.pinned, w.balancer, w.context, w.slow);
                if (s != null) {
                    queue.remove(w);
                    queueWaitNanosTotal += now - w.enqueuedNanos;
                    out.add(new Grants.Delivery(w.waiter, grant(s, w.slow, w.routeKey)));
                    fastFree = usable(false);
                    slowFree = slowInFlight < slowCap ? usable(true) : 0;
                }
            }
            w = next;
        }
        return out;
    }

    /** Free slots over the current backends that a request of this kind may take. */
    private int usable(boolean slow) {
        int n = 0;
        for (MemberSlots s : current) {
            n += s.usable(slow);
        }
        return n;
    }

    /**
     * A current backend with a free slot for a request, skipping those the request excludes: its
     * pinned one (if current; else the pin is ignored), or the balancer's pick among the free ones;
     * null if there is none.
     */
    private MemberSlots choose(BackendLoad pinned, Balancer balancer, PickContext context, boolean slow) {
        if (pinned != null) {
            MemberSlots p = slots.get(pinned);
            if (p != null && p.current && !context.excludes(p.member)) {
                return p.takes(slow) ? p : null;
            }
        }
        MemberSlots only = null;
        List<Member> eligible = null;
        for (MemberSlots s : current) {
            if (s.takes(slow) && !context.excludes(s.member)) {
                if (only == null) {
                    only = s;
                } else {
                    if (eligible == null) {
                        eligible = new ArrayList<>();
                        eligible.add(only.member);
                    }
                    eligible.add(s.member);
                }
            }
        }
        if (eligible == null) {
            return only;
        }
        Member picked = balancer.pick(eligible, context);
        MemberSlots s = picked == null ? null : slots.get(picked.load());
        // A balancer that breaks its contract (a member not offered) must not break the limits.
        return s != null && s.current && s.takes(slow) ? s : only;
    }

    private PoolTicket grant(MemberSlots s, boolean slow, String routeKey) {
        s.held++;
        if (slow) {
            slowInFlight++;
            s.slowHeld++;
        }
        s.member.load().started(clock.nanoTime());
        return new PoolTicket(this, s.member, s, slow, routeKey, clock.nanoTime(), s.held);
    }

    private boolean slowCapReached() {
        return slowInFlight >= slowCap();
    }

    private int slowCap() {
        if (slowLane == null) {
            return Integer.MAX_VALUE;
        }
        int total = 0;
        for (MemberSlots s : current) {
            total += s.limit.current();
        }
        return slowLane.cap(total);
    }
}
