package dev.gatehouse.core.fleet;

import dev.gatehouse.core.state.CutoverRecord;
import java.time.Duration;
import java.util.Objects;

/**
 * One node's part in a fleet-wide strict cutover, from the moment it puts the fence in force
 * (its pool then holds new requests) until the cutover ends: acknowledge once its old-version
 * requests have finished; while it is stale, answer the held requests 503 rather than keep them
 * waiting for a release it may never see; and if the cutover is still fencing long after the
 * coordinator should have ended it, end it in its place ({@link #takeOver}). No I/O and no clock of
 * its own. Not thread-safe: one thread drives it.
 */
public final class Fence {

    /** How long past the coordinator's last moment to act a node waits before it takes over. */
    static final Duration TAKEOVER_GRACE = Duration.ofSeconds(1);

    private final CutoverRecord record;
    private final long takeOverAtNanos;
    private boolean acknowledged;
    private long nextTakeOverNanos;

    /**
     * @param record     the cutover as put in force (phase fencing)
     * @param seenNanos  when this node put it in force, on its clock
     * @param staleAfter the fleet's {@code stale_after}
     */
    public Fence(CutoverRecord record, long seenNanos, Duration staleAfter) {
        this.record = Objects.requireNonNull(record, "record");
        // The coordinator aborts at the hold timeout after its commit, which came before this node
        // saw it; past the stale bound too, its own release would have been safe. A node that sees
        // neither by then plus a grace finds the coordinator gone.
        this.takeOverAtNanos = seenNanos + Duration.ofMillis(record.holdTimeoutMillis()).toNanos()
                + FenceCoordinator.staleBound(staleAfter).toNanos() + TAKEOVER_GRACE.toNanos();
        this.nextTakeOverNanos = takeOverAtNanos;
    }

    /** The cutover. */
    public CutoverRecord record() {
        return record;
    }

    /**
     * What to do now.
     *
     * @param nowNanos    this node's clock
     * @param oldInFlight requests of other versions than the new one in flight in the pool here
     * @param stale       whether this node is stale now
     */
    public Step tick(long nowNanos, int oldInFlight, boolean stale) {
        boolean ack = !acknowledged && oldInFlight == 0;
        boolean takeOver = nowNanos - nextTakeOverNanos >= 0;
        if (takeOver) {
            // One try per grace: many nodes may try at once, and the store lets one win.
            nextTakeOverNanos = nowNanos + TAKEOVER_GRACE.toNanos();
        }
        return new Step(ack, stale, takeOver && !stale);
    }

    /** The acknowledgement is written; it is not sent again. */
    public void acknowledged() {
        acknowledged = true;
    }

    /** Whether this node has acknowledged. */
    public boolean isAcknowledged() {
        return acknowledged;
    }

    /**
     * How a node that takes over ends a cutover whose coordinator went silent: completes it
     * (released) when every expected node acknowledged, else rolls it back (aborted). Both are
     * safe by then: the fence has been in force longer than the hold timeout and the stale bound.
     *
     * @param node this node's name, for the record
     */
    public static CutoverRecord takeOver(CutoverRecord fencing, FenceAcks seen, String node) {
        if (seen.acked().containsAll(fencing.expected())) {
            return fencing.ended(CutoverRecord.Phase.RELEASED, "completed by " + node + ": every node acknowledged, and "
                    + "the coordinator " + fencing.coordinator() + " did not end it");
        }
        java.util.List<String> missing = fencing.expected().stream().filter(n -> !seen.acked().contains(n)).sorted().toList();
        return fencing.ended(CutoverRecord.Phase.ABORTED, "rolled back by " + node + ": the coordinator "
                + fencing.coordinator() + " did not end it, and " + String.join(", ", missing) + " did not acknowledge");
    }

    /**
     * One tick's outcome.
     *
     * @param acknowledge write this node's acknowledgement now
     * @param rejectHeld  answer the requests held now with 503 (this node is stale)
     * @param takeOver    end the cutover in the coordinator's place ({@link #takeOver})
     */
    public record Step(boolean acknowledge, boolean rejectHeld, boolean takeOver) {
    }
}
