package dev.gatehouse.core.health;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.SlowStart;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.time.Clock;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health of one pool's backends and the set of them that takes new requests. Thread-safe; one
 * instance serves every snapshot of its pool (backends are known by their {@link BackendLoad},
 * which snapshots share).
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Inputs</b>: active check results ({@link #checkPassed}, {@link #checkFailed}), request
 *       outcomes ({@link #succeeded}, {@link #connectFailed}, {@link #serverError},
 *       {@link #timedOut}), operator decisions ({@link #drain}) and the pool's members
 *       ({@link #members}). Time comes from the injected clock only.</li>
 *   <li><b>Output</b>: {@link #available()}, an immutable list that stays the same object until
 *       something changes (admission control compares candidate lists by identity), and
 *       {@link #share}, the slow-start share of a member. Deadlines (the end of an ejection) are
 *       noticed lazily: the first {@link #available()} call past the earliest deadline recomputes
 *       the list, so nothing needs a timer and a fake clock drives every transition.</li>
 *   <li><b>Hot path</b>: a request outcome touches only the backend's atomic failure counters;
 *       the lock is taken when a counter reaches its threshold (an ejection), for check results
 *       and for recomputations, all rare. {@link #available()} reads one volatile and the clock.</li>
 *   <li><b>Panic</b>: when fewer than {@code panic.threshold_percent} of the backends that are
 *       not draining are available (or none is), the pool fails open (every backend not draining
 *       is offered) or offers none (503), as configured.</li>
 * </ul>
 */
public final class PoolHealth implements SlowStart {

    private static final Logger LOG = LoggerFactory.getLogger(PoolHealth.class);

    private final String pool;
    private final HealthConfig config;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Every backend of the current members, by load; replaced (never mutated) under the lock. */
    private volatile Map<BackendLoad, BackendHealth> byLoad = Map.of();
    private volatile List<Member> members = List.of();
    /** The version that serves, or null for all; guarded by the lock. */
    private String liveVersion;
    /** The canary version, or null; guarded by the lock. */
    private String canaryVersion;
    private volatile List<Member> canaryAvailable = List.of();
    private boolean started;
    private volatile List<Member> available = List.of();
    private volatile List<Member> inService = List.of();
    private volatile boolean panicking;
    /** The earliest time at which {@link #available} may change by itself (an ejection ends). */
    private volatile long nextDeadline = BackendHealth.NEVER;
    /** No member ramps at or after this time: {@link #share} is 1 without a lookup. */
    private volatile long rampsOverAt = Long.MIN_VALUE;
    private volatile Runnable listener = () -> { };

    private PoolHealth(String pool, HealthConfig config, Clock clock) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates the health of a pool with no members yet; call {@link #members} next.
     *
     * @param pool   the pool's name, for logs
     * @param config checks, outlier detection, slow start and panic
     * @param clock  time for every deadline
     */
    public static PoolHealth create(String pool, HealthConfig config, Clock clock) {
        return new PoolHealth(pool, config, clock);
    }

    /** The configuration in force. */
    public HealthConfig config() {
        return config;
    }

    /**
     * Registers the one listener told (after the lock is released, on the thread that made the
     * change) whenever {@link #available()} may have changed.
     */
    public void onChange(Runnable listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sets the pool's members. Backends of the first call take traffic at once (with active checks,
     * they are assumed healthy until a check fails); a backend that joins later waits for its first
     * passing check when the pool has active checks, and ramps up when slow start is on.
     *
     * @param current the pool's members in order; backends are matched by their load
     */
    public void members(List<Member> current) {
        members(current, null);
    }

    /**
     * Sets the pool's members and its live version: only members of that version take requests
     * (the others are registered: checked and shown, but idle); null for every member.
     *
     * @param current     the pool's members in order; backends are matched by their load
     * @param liveVersion the version that serves, or null
     */
    public void members(List<Member> current, String liveVersion) {
        members(current, liveVersion, null);
    }

    /**
     * Sets the pool's members, its live version and its canary version (null for none): members of
     * the canary take requests only through {@link #canaryAvailable()}.
     */
    public void members(List<Member> current, String liveVersion, String canaryVersion) {
        List<Member> copy = List.copyOf(current);
        lock.lock();
        try {
            long now = clock.nanoTime();
            Map<BackendLoad, BackendHealth> next = new IdentityHashMap<>();
            for (Member m : copy) {
                BackendHealth h = byLoad.get(m.load());
                if (h == null) {
                    boolean checks = config.check() != null;
                    h = new BackendHealth(m, !started || !checks);
                    if (started && !checks) {
                        startRamp(h, now);
                    }
                } else {
                    if (h.member.backend().admin() != AdminState.READY && m.backend().admin() == AdminState.READY) {
                        startRamp(h, now);
                    }
                    h.member = m;
                }
                next.put(m.load(), h);
            }
            started = true;
            members = copy;
            this.liveVersion = liveVersion;
            this.canaryVersion = canaryVersion;
            byLoad = next;
            recompute(now);
        } finally {
            lock.unlock();
        }
        listener.run();
    }

    /** The members (every backend of the pool, whatever its state), in order. */
    public List<Member> members() {
        return members;
    }

    /**
     * The members that take new requests now, in pool order: healthy or slow-starting ones, or in
     * panic every member not draining (fail-open) or none (reject). The same list object is
     * returned until it changes.
     */
    public List<Member> available() {
        if (clock.nanoTime() >= nextDeadline) {
            boolean changed;
            lock.lock();
            try {
                changed = recompute(clock.nanoTime());
            } finally {
                lock.unlock();
            }
            if (changed) {
                listener.run();
            }
        }
        return available;
    }

    /**
     * The members an operator has not taken out (not draining, not in maintenance), whatever their
     * health: where a fail-open pool may still try a request that no available backend is left for.
     */
    public List<Member> inService() {
        available();
        return inService;
    }

    /** The canary version's members that take new requests now (healthy, in service); empty without a canary. */
    public List<Member> canaryAvailable() {
        available();
        return canaryAvailable;
    }

    /** Whether too few backends are available and the panic mode decides. */
    public boolean panicking() {
        available();
        return panicking;
    }

    // ---------------------------------------------------------------- active checks

    /**
     * An active check of the member's backend passed. {@code rise} passes in a row make an
     * unhealthy backend healthy (then it ramps up).
     *
     * @param detail what the check saw, e.g. {@code HTTP 200 in 3 ms}
     */
    public void checkPassed(Member member, String detail) {
        check(member, true, detail);
    }

    /**
     * An active check of the member's backend failed. {@code fall} failures in a row make a healthy
     * backend unhealthy; before its first pass, one failure does.
     *
     * @param reason what went wrong, e.g. {@code HTTP 503} or {@code connection refused}
     */
    public void checkFailed(Member member, String reason) {
        check(member, false, reason);
    }

    private void check(Member member, boolean passed, String detail) {
        var check = config.check();
        if (check == null) {
            return;
        }
        boolean changed = false;
        lock.lock();
        try {
            BackendHealth h = byLoad.get(member.load());
            if (h == null) {
                return;
            }
            long now = clock.nanoTime();
            BackendHealth.CheckOutcome outcome = h.checkResult(passed, detail, check.rise(), check.fall(), now);
            var address = h.member.backend().address();
            switch (outcome) {
                case NONE -> { }
                case BACK_EARLY -> LOG.info("pool {}: backend {} is back before its ejection ended ({} checks passed)",
                        pool, address, h.passesInARow);
                case HEALTHY -> LOG.info("pool {}: backend {} is healthy again ({} checks passed)", pool, address,
                        h.passesInARow);
                case UNHEALTHY -> LOG.warn("pool {}: backend {} is unhealthy: {}", pool, address, h.uncheckReason);
            }
            if (outcome == BackendHealth.CheckOutcome.BACK_EARLY || outcome == BackendHealth.CheckOutcome.HEALTHY) {
                startRamp(h, now);
            }
            changed = outcome != BackendHealth.CheckOutcome.NONE;
            if (changed) {
                recompute(now);
            }
        } finally {
            lock.unlock();
        }
        if (changed) {
            listener.run();
        }
    }

    // ---------------------------------------------------------------- passive outlier detection

    /** A request to the member's backend got a response below 500: its failures in a row are over. */
    public void succeeded(Member member) {
        BackendHealth h = byLoad.get(member.load());
        if (h != null) {
            h.clearFailures();
        }
    }

    /** A connect to the member's backend was refused, unreachable or timed out. */
    public void connectFailed(Member member, String reason) {
        OutlierConfig o = config.outlier();
        BackendHealth h = byLoad.get(member.load());
        if (o == null || h == null || (h.ejected() && h.ejectedUntil > clock.nanoTime())) {
            // Requests that were in flight when it was ejected say nothing new.
            return;
        }
        int n = h.connectFailures.incrementAndGet();
        if (o.consecutiveConnectFailures() > 0 && n >= o.consecutiveConnectFailures()) {
            eject(h, n + " connect failures in a row, the last: " + reason);
        }
    }

    /** The member's backend answered 500 or more, or its connection died before a response. */
    public void serverError(Member member, String reason) {
        OutlierConfig o = config.outlier();
        BackendHealth h = byLoad.get(member.load());
        if (o == null || h == null || (h.ejected() && h.ejectedUntil > clock.nanoTime())) {
            // Requests that were in flight when it was ejected say nothing new.
            return;
        }
        int n = h.serverErrors.incrementAndGet();
        if (o.consecutive5xx() > 0 && n >= o.consecutive5xx()) {
            eject(h, n + " server errors in a row, the last: " + reason);
        }
    }

    /** A request to the member's backend did not get its response within its timeout. */
    public void timedOut(Member member) {
        OutlierConfig o = config.outlier();
        BackendHealth h = byLoad.get(member.load());
        if (o == null || h == null || (h.ejected() && h.ejectedUntil > clock.nanoTime())) {
            // Requests that were in flight when it was ejected say nothing new.
            return;
        }
        int n = h.timeouts.incrementAndGet();
        if (o.consecutiveTimeouts() > 0 && n >= o.consecutiveTimeouts()) {
            eject(h, n + " timeouts in a row");
        }
    }

    private void eject(BackendHealth h, String reason) {
        OutlierConfig o = config.outlier();
        // End the ejections that are due first, even if nobody asked since their deadline: one of
        // this backend must not block a new one, others must not count against the cap.
        available();
        boolean changed = false;
        lock.lock();
        try {
            long now = clock.nanoTime();
            if (h.ejected() || byLoad.get(h.member.load()) != h) {
                return;
            }
            // Cleared even when the cap refuses below: the next attempt then takes another full run
            // of failures, so a capped pool does not take this lock on every failed request.
            h.clearFailures();
            int ejectedNow = 0;
            for (BackendHealth other : byLoad.values()) {
                if (other.ejected()) {
                    ejectedNow++;
                }
            }
            int cap = o.maxEjectionPercent() == 0 ? 0 : Math.max(1, byLoad.size() * o.maxEjectionPercent() / 100);
            if (ejectedNow + 1 > cap) {
                LOG.warn("pool {}: backend {} not ejected ({}): {} of {} backends are ejected already, the cap of {} %",
                        pool, h.member.backend().address(), reason, ejectedNow, byLoad.size(), o.maxEjectionPercent());
                return;
            }
            h.ejections = EjectionLength.forgiven(h.ejections, h.lastEjectionEnd, now, o) + 1;
            long length = EjectionLength.of(h.ejections, o);
            h.ejectedUntil = now + length;
            h.ejectReason = reason;
            h.rampStart = BackendHealth.NEVER;
            LOG.warn("pool {}: backend {} ejected for {} ms (ejection {}): {}", pool, h.member.backend().address(),
                    length / 1_000_000, h.ejections, reason);
            recompute(now);
            changed = true;
        } finally {
            lock.unlock();
        }
        if (changed) {
            listener.run();
        }
    }

    // ---------------------------------------------------------------- operator

    /**
     * Takes the member's backend out of (or back into) the set that takes new requests. Requests in
     * flight are not affected.
     */
    public void drain(Member member, boolean draining) {
        boolean changed = false;
        lock.lock();
        try {
            BackendHealth h = byLoad.get(member.load());
            if (h != null && h.draining != draining) {
                h.draining = draining;
                if (!draining) {
                    startRamp(h, clock.nanoTime());
                }
                recompute(clock.nanoTime());
                changed = true;
            }
        } finally {
            lock.unlock();
        }
        if (changed) {
            listener.run();
        }
    }

    // ---------------------------------------------------------------- slow start

    @Override
    public boolean active() {
        return clock.nanoTime() < rampsOverAt;
    }

    @Override
    public double share(Member member) {
        long now = clock.nanoTime();
        if (now >= rampsOverAt) {
            return 1.0;
        }
        BackendHealth h = byLoad.get(member.load());
        return h == null ? 1.0 : SlowStartRamp.share(h, now, config.slowStart());
    }

    /** Guarded by the lock. */
    private void startRamp(BackendHealth h, long now) {
        SlowStartConfig s = config.slowStart();
        if (!s.enabled()) {
            return;
        }
        h.rampStart = now;
        long end = now + s.window().toNanos();
        if (rampsOverAt < end) {
            rampsOverAt = end;
        }
    }

    // ---------------------------------------------------------------- status

    /** The member's backend's health, explained; {@code null} for a backend not in the pool. */
    public BackendStatus status(Member member) {
        available();
        lock.lock();
        try {
            BackendHealth h = byLoad.get(member.load());
            return h == null ? null : BackendStatus.of(h, clock.nanoTime(), config.slowStart());
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- under the lock

    /**
     * Ends the ejections that are due, rebuilds the available list and the deadline.
     *
     * @return whether the available list changed
     */
    private boolean recompute(long now) {
        for (Member m : members) {
            BackendHealth h = byLoad.get(m.load());
            if (h.ejected() && h.ejectedUntil <= now) {
                // It ended at its deadline, however late that is noticed: forgiveness counts from there.
                h.lastEjectionEnd = h.ejectedUntil;
                h.ejectedUntil = BackendHealth.NEVER;
                h.clearFailures();
                LOG.info("pool {}: backend {} is back after its ejection", pool, m.backend().address());
                if (h.checkHealthy) {
                    startRamp(h, now);
                }
            }
        }
        MemberSets sets = MemberSets.of(members, byLoad, liveVersion, canaryVersion);
        PanicConfig p = config.panic();
        boolean panic = sets.panic(p);
        List<Member> next = !panic ? sets.up() : p.mode() == PanicConfig.Mode.FAIL_OPEN ? sets.inService() : List.of();
        if (panic != panicking) {
            if (panic) {
                LOG.warn("pool {}: panic, {} of {} backends available: {}", pool, sets.up().size(), sets.inService().size(),
                        p.mode() == PanicConfig.Mode.FAIL_OPEN ? "routing to all of them" : "answering 503");
            } else {
                LOG.info("pool {}: panic over, {} of {} backends available", pool, sets.up().size(), sets.inService().size());
            }
            panicking = panic;
        }
        nextDeadline = sets.deadline();
        if (!sets.canaryUp().equals(canaryAvailable)) {
            canaryAvailable = List.copyOf(sets.canaryUp());
        }
        if (!sets.inService().equals(inService)) {
            inService = List.copyOf(sets.inService());
        }
        if (next.equals(available)) {
            return false;
        }
        available = List.copyOf(next);
        return true;
    }
}
