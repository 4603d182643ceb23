package dev.gatehouse.postgres.hold;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * One PostgreSQL server's hold: whether its connections may be handed out, where it is, and in
 * which epoch. The decisions only; the I/O layer asks {@link #mayHandOut()} before it gives a
 * client a connection, reports its {@link #connections} as they change, and carries out the
 * {@link Step} each call returns.
 *
 * <p>States: {@code RUNNING} → {@link #pause} → {@code PAUSING} (no hand-outs; transactions in
 * flight go on until none is left, or until the deadline, when they are cancelled) →
 * {@code PAUSED} (every connection closed: the server can restart, or be repointed) →
 * {@link #resume} → {@code RUNNING}. {@link #repoint} is only taken while paused, so that the old
 * primary has no connection of ours left when the first one to the new primary opens: one primary
 * in use at a time. Each repoint starts a new epoch, and a connection opened in an older epoch is
 * never handed out again ({@link #current}).
 *
 * <p>Threading: every method is synchronized; the hold is shared by the event loops.
 */
public final class Hold {

    /** Where the hold stands. */
    public enum State { RUNNING, PAUSING, PAUSED }

    /** What the I/O layer must do after a call. */
    public enum Step {
        /** Nothing. */
        NONE,
        /** Close every idle connection of the server now (and each one that becomes idle). */
        CLOSE_IDLE,
        /** The deadline passed: cancel what is in flight, then close those connections. */
        CANCEL_IN_FLIGHT,
        /** Paused: every connection is closed. Tell whoever paused. */
        PAUSED,
        /** Running again: serve the waiting clients, in order. */
        SERVE_WAITING
    }

    private final Clock clock;
    private State state = State.RUNNING;
    private HostPort address;
    private long epoch = 1;
    private long deadline;
    private int busy;
    private int open;

    /**
     * A running hold.
     *
     * @param address the server's address now
     * @param clock the clock the pause deadline is timed with
     */
    public Hold(HostPort address, Clock clock) {
        this.address = Objects.requireNonNull(address, "address");
        this.clock = clock;
    }

    /** Whether a client may be given a connection now. */
    public synchronized boolean mayHandOut() {
        return state == State.RUNNING;
    }

    /** The address new connections go to. */
    public synchronized HostPort address() {
        return address;
    }

    /** The epoch new connections are opened in. */
    public synchronized long epoch() {
        return epoch;
    }

    /** Whether a connection opened in {@code connectionEpoch} may still be used. */
    public synchronized boolean current(long connectionEpoch) {
        return connectionEpoch == epoch;
    }

    /** The state now. */
    public synchronized State state() {
        return state;
    }

    /**
     * Stops hand-outs; transactions in flight may finish within {@code timeout}.
     *
     * @return {@link Step#CLOSE_IDLE}, or {@link Step#PAUSED} when nothing is open
     * @throws IllegalStateException when already pausing or paused
     */
    public synchronized Step pause(Duration timeout) {
        if (state != State.RUNNING) {
            throw new IllegalStateException("server at " + address + " is already " + state.name().toLowerCase());
        }
        state = State.PAUSING;
        deadline = clock.nanoTime() + timeout.toNanos();
        return settle();
    }

    /**
     * The I/O layer's counts changed: connections open to the server, and those of them with a
     * transaction in flight (or anything else a client still waits for).
     *
     * @return {@link Step#PAUSED} when a pause just completed, else {@link Step#NONE}
     */
    public synchronized Step connections(int openNow, int busyNow) {
        if (openNow < 0 || busyNow < 0 || busyNow > openNow) {
            throw new IllegalArgumentException("open " + openNow + ", busy " + busyNow + " (expected: 0 <= busy <= open)");
        }
        open = openNow;
        busy = busyNow;
        return state == State.PAUSING && open == 0 ? paused() : Step.NONE;
    }

    /**
     * Checks the pause's deadline.
     *
     * @return {@link Step#CANCEL_IN_FLIGHT} once, when pausing past the deadline with
     *     transactions still in flight; else {@link Step#NONE}
     */
    public synchronized Step tick() {
        if (state == State.PAUSING && busy > 0 && clock.nanoTime() - deadline >= 0) {
            deadline = Long.MAX_VALUE / 2 + clock.nanoTime();   // once per pause
            return Step.CANCEL_IN_FLIGHT;
        }
        return Step.NONE;
    }

    /**
     * Moves the server to {@code newAddress} in a new epoch. Only while paused, so that the old
     * address has no connection left.
     *
     * @return the new epoch
     * @throws IllegalStateException when not paused
     */
    public synchronized long repoint(HostPort newAddress) {
        if (state != State.PAUSED) {
            throw new IllegalStateException("repoint of server at " + address + " while " + state.name().toLowerCase()
                    + " (expected: paused first, so that only one primary is in use at a time)");
        }
        address = Objects.requireNonNull(newAddress, "newAddress");
        return ++epoch;
    }

    /**
     * Lets hand-outs start again (also cancels a pause still in progress).
     *
     * @return {@link Step#SERVE_WAITING}
     * @throws IllegalStateException when running
     */
    public synchronized Step resume() {
        if (state == State.RUNNING) {
            throw new IllegalStateException("server at " + address + " is not paused");
        }
        state = State.RUNNING;
        return Step.SERVE_WAITING;
    }

    private Step settle() {
        return open == 0 ? paused() : Step.CLOSE_IDLE;
    }

    private Step paused() {
        state = State.PAUSED;
        return Step.PAUSED;
    }
}
