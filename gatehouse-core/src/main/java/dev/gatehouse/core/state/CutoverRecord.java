package dev.gatehouse.core.state;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A fleet-wide strict cutover of one pool, as the fleet's shared state keeps it. The coordinator
 * commits it in phase {@link Phase#FENCING} with the next epoch and the nodes it expects to
 * acknowledge; every node that puts it in force holds the pool's new requests and, once its
 * old-version requests have finished, acknowledges. The coordinator (or, if it went silent, any
 * node) then ends it in one change: {@link Phase#RELEASED} together with the new live version, or
 * {@link Phase#ABORTED} with the old one still live. Every change to it is a compare-and-swap on
 * the state, so at most one ending is ever committed.
 *
 * @param id            names this attempt (acknowledgements are kept under it); unique per cutover
 * @param from          the version live when it was committed
 * @param to            the version it makes live
 * @param epoch         the epoch the new version takes at the release
 * @param phase         where it stands
 * @param expected      the nodes that were members when it was committed, by name
 * @param coordinator   the node that committed it
 * @param holdTimeoutMillis how long the pool may be held before the cutover is aborted
 * @param detail        how it ended, in words (empty while fencing)
 */
public record CutoverRecord(String id, String from, String to, long epoch, Phase phase, List<String> expected,
                            String coordinator, long holdTimeoutMillis, String detail) {

    /** Where a fleet cutover stands. */
    public enum Phase {
        /** Committed: every node holds the pool's new requests and drains the old version. */
        FENCING,
        /** Ended: the new version is live at the record's epoch. */
        RELEASED,
        /** Ended: the old version stays live; held requests went back to it. */
        ABORTED;

        /** The name in the state and the API. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@link #apiName()}. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Phase fromApiName(String name) {
            for (Phase p : values()) {
                if (p.apiName().equals(name)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("phase: \"" + name + "\" (expected: fencing, released or aborted)");
        }
    }

    /** Validates and copies. */
    public CutoverRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(coordinator, "coordinator");
        expected = List.copyOf(expected);
        detail = detail == null ? "" : detail;
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch: " + epoch + " (expected: >= 1)");
        }
        if (holdTimeoutMillis < 1) {
            throw new IllegalArgumentException("hold_timeout_millis: " + holdTimeoutMillis + " (expected: >= 1)");
        }
    }

    /** Whether nodes are holding the pool for it now. */
    public boolean fencing() {
        return phase == Phase.FENCING;
    }

    /** The same cutover ended: {@code next} is released or aborted. */
    public CutoverRecord ended(Phase next, String why) {
        if (next == Phase.FENCING) {
            throw new IllegalArgumentException("a cutover ends released or aborted");
        }
        return new CutoverRecord(id, from, to, epoch, next, expected, coordinator, holdTimeoutMillis, why);
    }
}
