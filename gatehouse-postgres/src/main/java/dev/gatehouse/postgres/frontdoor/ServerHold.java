package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.postgres.hold.Hold;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One server's {@link Hold} carried out: the clients held while it is pausing or paused (in
 * arrival order, each with its first message kept in its session), the callers waiting for the
 * pause to complete, and the epoch connections are opened in.
 *
 * <p>{@code C} is the held client's handle (a {@link PoolWaiter}: a client, or an auth_query
 * lookup); the hold only keeps them in order.
 *
 * <p>The epoch here moves on with every repoint (as the hold's does) and also with every
 * reconnect (same address): a connection opened in an older one is never handed out again.
 * Used on the front door's event loop only.
 */
final class ServerHold<C> {

    private final Hold hold;
    private final ArrayDeque<C> held = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> pauses = new ArrayList<>();
    private long epoch = 1;

    ServerHold(Hold hold) {
        this.hold = hold;
    }

    /** Whether a client may be given a connection now. */
    boolean mayHandOut() {
        return hold.mayHandOut();
    }

    Hold.State state() {
        return hold.state();
    }

    HostPort address() {
        return hold.address();
    }

    long epoch() {
        return epoch;
    }

    boolean current(long connectionEpoch) {
        return connectionEpoch == epoch;
    }

    /** The clients held now. */
    int heldCount() {
        return held.size();
    }

    /** Holds {@code s} (it arrived while hand-outs are stopped) behind the others. */
    void hold(C s) {
        held.addLast(s);
    }

    /** Holds clients that were waiting in the budget's queue when the pause began: ahead of the later ones. */
    void holdFirst(Collection<? extends C> older) {
        List<C> reversed = new ArrayList<>(older);
        for (int i = reversed.size() - 1; i >= 0; i--) {
            held.addFirst(reversed.get(i));
        }
    }

    /** Takes a client that left out of the hold; whether it was held. */
    boolean release(C s) {
        return held.remove(s);
    }

    /**
     * Starts a pause; the result completes when the server is paused (every connection closed),
     * or exceptionally when a resume comes first.
     *
     * @throws IllegalStateException when already pausing or paused
     */
    Hold.Step pause(Duration timeout, CompletableFuture<Void> done) {
        Hold.Step step = hold.pause(timeout);
        pauses.add(done);
        if (step == Hold.Step.PAUSED) {
            paused();
        }
        return step;
    }

    /** The open and busy connections changed; completes the pause once none is left. */
    void connections(int open, int busy) {
        if (hold.connections(open, busy) == Hold.Step.PAUSED) {
            paused();
        }
    }

    /** Whether the pause's deadline passed with transactions still in flight (once per pause). */
    boolean deadlinePassed() {
        return hold.tick() == Hold.Step.CANCEL_IN_FLIGHT;
    }

    /**
     * Resumes: the held clients, oldest first, to be served through the budget as usual.
     *
     * @throws IllegalStateException when running
     */
    List<C> resume() {
        hold.resume();
        for (CompletableFuture<Void> f : pauses) {
            f.completeExceptionally(new IllegalStateException("resumed before the pause completed"));
        }
        pauses.clear();
        List<C> out = new ArrayList<>(held);
        held.clear();
        return out;
    }

    /**
     * Moves the server to {@code address}, in a new epoch.
     *
     * @throws IllegalStateException when not paused (the reason named)
     */
    void repoint(HostPort address) {
        hold.repoint(address);
        epoch++;
    }

    /** A new epoch at the same address: the connections open now are not handed out again. */
    void renew() {
        epoch++;
    }

    private void paused() {
        for (CompletableFuture<Void> f : pauses) {
            f.complete(null);
        }
        pauses.clear();
    }
}
