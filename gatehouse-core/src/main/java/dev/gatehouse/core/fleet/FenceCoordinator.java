package dev.gatehouse.core.fleet;

import dev.gatehouse.core.state.CutoverRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The coordinator's decisions in a fleet-wide strict cutover, from the commit of its fence to its
 * end. No I/O and no clock of its own: each {@link #decide} gets the time and what the store says.
 *
 * <p>Why a release is safe. The new version starts serving only once the release is committed. A
 * node that puts the fence in force holds the pool and starts no old-version request after it. A
 * node that never puts it in force cannot stay current: a node confirms that it is current only
 * when a linearizable read finds no state newer than the one it has in force ({@link Freshness}),
 * so every confirmation it gets from a read sent after the commit requires the fence in force;
 * without one it goes stale, and a stale node serves no strict pool, at the latest
 * {@code stale_after} (by its own clock) after the last read it sent before the commit. So once
 * {@link #staleBound} has passed since the commit was acknowledged to the coordinator (after it
 * happened), no node starts an old-version request, whatever it acknowledged.
 *
 * <p>What it waits for anyway. Releasing at the bound is safe from new old-version requests, not
 * from old ones still in flight on a node that is alive and draining: the new and old versions
 * would then run at once. So it releases when every node acknowledged (the fence fully held: no
 * overlap), or after the bound when the nodes that did not are silent (no heartbeat written since
 * the commit: cut off, or dead); a node that is alive and still draining is waited for, up to the
 * hold timeout, and then the cutover aborts, as a strict cutover on one node does. A node is silent
 * when its heartbeat was not written since the commit, or has not moved for {@code stale_after}
 * as this coordinator watched it (a node that died just after the commit).
 *
 * <p>Not thread-safe: one coordinator thread calls {@link #decide}.
 */
public final class FenceCoordinator {

    /** Margin on a node's {@code stale_after} for clocks of different machines running at different rates. */
    private static final double RATE_MARGIN = 0.05;
    private static final long MIN_MARGIN_NANOS = 100_000_000L;

    private final CutoverRecord record;
    private final long committedNanos;
    private final long commitRevision;
    private final long boundNanos;
    private final long holdNanos;
    private final long staleAfterNanos;
    private final HeartbeatWatch beats = new HeartbeatWatch();

    /**
     * @param record         the cutover as committed (phase fencing)
     * @param committedNanos when the store confirmed the commit to the coordinator, on its clock
     * @param commitRevision the store revision of the commit
     * @param staleAfter     the fleet's {@code stale_after}
     */
    public FenceCoordinator(CutoverRecord record, long committedNanos, long commitRevision, Duration staleAfter) {
        this.record = Objects.requireNonNull(record, "record");
        if (!record.fencing()) {
            throw new IllegalArgumentException("cutover " + record.id() + " is " + record.phase().apiName()
                    + " (expected: fencing)");
        }
        this.committedNanos = committedNanos;
        this.commitRevision = commitRevision;
        this.boundNanos = staleBound(staleAfter).toNanos();
        this.staleAfterNanos = staleAfter.toNanos();
        this.holdNanos = Duration.ofMillis(record.holdTimeoutMillis()).toNanos();
    }

    /**
     * How long after a commit every node that did not put it in force has certainly stopped
     * serving strict pools: {@code stale_after}, plus 5 % (at least 100 ms) for clock rates.
     */
    public static Duration staleBound(Duration staleAfter) {
        long s = staleAfter.toNanos();
        return Duration.ofNanos(s + Math.max(MIN_MARGIN_NANOS, (long) (s * RATE_MARGIN)));
    }

    /** The cutover it decides. */
    public CutoverRecord record() {
        return record;
    }

    /**
     * What to do now.
     *
     * @param nowNanos the coordinator's clock
     * @param seen     the acknowledgements and heartbeats as read now
     */
    public Decision decide(long nowNanos, FenceAcks seen) {
        TreeSet<String> pending = new TreeSet<>(record.expected());
        // A member that joined after the commit put the fence in force when it loaded the state; it
        // is waited for like the others.
        pending.addAll(seen.heartbeats().keySet());
        pending.removeAll(seen.acked());
        if (pending.isEmpty()) {
            return new Decision.Release(List.of(), "every node acknowledged the fence");
        }
        List<String> silent = new ArrayList<>();
        List<String> draining = new ArrayList<>();
        for (String node : pending) {
            Long beat = seen.heartbeats().get(node);
            (beat == null || beat < commitRevision || beats.stillFor(node, beat, nowNanos) >= staleAfterNanos ? silent : draining)
                    .add(node);
        }
        long elapsed = nowNanos - committedNanos;
        // A member with a longer stale_after than this node's may serve that much longer.
        long bound = Math.max(boundNanos, staleBound(seen.longestStaleAfter()).toNanos());
        if (draining.isEmpty() && elapsed >= bound) {
            return new Decision.Release(List.copyOf(silent), "released without " + String.join(", ", silent)
                    + ": silent (no heartbeat since the commit, or none for stale_after), so stale (no strict pool served) by "
                    + Duration.ofNanos(bound).toMillis() + " ms after the commit");
        }
        if (elapsed >= holdNanos) {
            return new Decision.Abort("the fence was held " + record.holdTimeoutMillis() + " ms (hold_timeout) without "
                    + "an acknowledgement from " + describe(draining, silent) + "; held requests went to " + record.from());
        }
        return new Decision.Wait(List.copyOf(draining), List.copyOf(silent));
    }

    /**
     * What to do now when the store could not be read: wait, but abort once the hold timeout has
     * passed (the abort's own write then tells whether the store answers again).
     */
    public Decision unreadable(long nowNanos) {
        if (nowNanos - committedNanos >= holdNanos) {
            return new Decision.Abort("the fence was held " + record.holdTimeoutMillis() + " ms (hold_timeout) and the "
                    + "acknowledgements could not be read; held requests went to " + record.from());
        }
        return new Decision.Wait(record.expected(), List.of());
    }

    private static String describe(List<String> draining, List<String> silent) {
        List<String> parts = new ArrayList<>();
        if (!draining.isEmpty()) {
            parts.add(String.join(", ", draining) + " (still draining)");
        }
        if (!silent.isEmpty()) {
            parts.add(String.join(", ", silent) + " (silent)");
        }
        return String.join(" and ", parts);
    }

    /** A decision of the coordinator. */
    public sealed interface Decision {

        /** Keep holding: {@code draining} nodes are alive and not done, {@code silent} ones wait for the bound. */
        record Wait(List<String> draining, List<String> silent) implements Decision {
            /** How many nodes the release waits for. */
            public int pending() {
                return draining.size() + silent.size();
            }
        }

        /** Commit the release; {@code without} the silent nodes that did not acknowledge. */
        record Release(List<String> without, String detail) implements Decision {
        }

        /** Commit the abort: the old version stays live. */
        record Abort(String reason) implements Decision {
        }
    }
}
