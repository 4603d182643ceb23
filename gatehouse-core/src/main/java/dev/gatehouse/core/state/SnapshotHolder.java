package dev.gatehouse.core.state;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Holds the current {@link Snapshot}. Readers never lock: they read one volatile reference. Writers
 * build a new snapshot from the current one and publish it in one compare-and-set.
 */
public final class SnapshotHolder {

    private final AtomicReference<Snapshot> current;

    /** Starts with a first snapshot. */
    public SnapshotHolder(Snapshot initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** The snapshot in force now. */
    public Snapshot current() {
        return current.get();
    }

    /**
     * Publishes the result of applying {@code change} to the current snapshot; retried if another
     * writer published first, so {@code change} must be free of side effects.
     *
     * @return the published snapshot
     */
    public Snapshot update(UnaryOperator<Snapshot> change) {
        return current.updateAndGet(change);
    }
}
