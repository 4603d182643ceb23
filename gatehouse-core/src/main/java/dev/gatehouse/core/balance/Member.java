package dev.gatehouse.core.balance;

import dev.gatehouse.core.backend.Backend;
import java.util.Objects;

/**
 * One backend of a pool together with its live load. The backend part is immutable and changes
 * with snapshots; the load object is kept from one snapshot to the next for the same backend.
 */
public final class Member {

    private final Backend backend;
    private final BackendLoad load;

    /** Pairs a backend with its load. */
    public Member(Backend backend, BackendLoad load) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.load = Objects.requireNonNull(load, "load");
    }

    public Backend backend() {
        return backend;
    }

    public BackendLoad load() {
        return load;
    }

    /** The backend's weight, 1-1000. */
    public int weight() {
        return backend.weight();
    }

    /** The backend's identity within its pool, {@code pool/host:port}. */
    public String id() {
        return backend.id();
    }

    @Override
    public String toString() {
        return backend.address() + " (in flight " + load.inFlight() + ")";
    }
}
