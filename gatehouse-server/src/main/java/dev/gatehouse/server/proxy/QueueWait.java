package dev.gatehouse.server.proxy;

import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.admission.PoolAdmission;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.admission.Waiter;
import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An exchange's wait in its pool's queue for a backend slot: the timer that bounds it, the hop from
 * whatever thread the admission grants on to the exchange's loop, and the time spent waiting (for
 * the access log). One per exchange; a retry may wait again.
 *
 * <p>The admission calls {@link #granted} and {@link #rejected} on any thread; everything else runs
 * on the exchange's loop. A grant that arrives after the exchange ended is given back at once.
 */
final class QueueWait implements Waiter {

    /** What the wait ends in, on the exchange's loop. */
    interface Outcomes {

        /** Whether the exchange already ended (a grant is then given back). */
        boolean ended();

        /** A slot is ours. */
        void granted(Ticket ticket);

        /** The queue timer fired before a slot came. */
        void timedOut();

        /** A request held by a strict cutover found no place when the hold was lifted. */
        void rejected(String reason);
    }

    private final EventLoop loop;
    private final Outcomes outcomes;
    private PoolAdmission admission;
    private boolean waiting;
    private long startNanos;
    private long totalNanos;
    private ScheduledFuture<?> timer;

    QueueWait(EventLoop loop, Outcomes outcomes) {
        this.loop = loop;
        this.outcomes = outcomes;
    }

    /** The request was queued by {@code admission}: wait at most {@code timeoutNanos}. */
    void start(PoolAdmission admission, long timeoutNanos) {
        this.admission = admission;
        waiting = true;
        startNanos = System.nanoTime();
        timer = loop.schedule(this::timerFired, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Nanoseconds spent in the queue so far, over every wait of the exchange. */
    long totalNanos() {
        return totalNanos;
    }

    /** Leaves the queue at once, if waiting; a grant that raced us is given back when it lands. */
    void cancel() {
        if (waiting) {
            admission.cancel(this);
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    @Override
    public void granted(Ticket ticket) {
        try {
            loop.execute(() -> grantedOnLoop(ticket));
        } catch (RuntimeException shuttingDown) {
            // The loop is shutting down: nobody will use the slot.
            ticket.release(-1, Outcome.DROPPED);
        }
    }

    @Override
    public void rejected(String reason) {
        try {
            loop.execute(() -> {
                if (waiting && !outcomes.ended()) {
                    stop();
                    outcomes.rejected(reason);
                }
            });
        } catch (RuntimeException shuttingDown) {
            // The loop is shutting down: the connection goes with it.
        }
    }

    private void grantedOnLoop(Ticket ticket) {
        stop();
        if (outcomes.ended()) {
            ticket.release(-1, Outcome.DROPPED);
            return;
        }
        outcomes.granted(ticket);
    }

    private void timerFired() {
        if (waiting && !outcomes.ended() && admission.cancel(this)) {
            stop();
            outcomes.timedOut();
        }
        // Otherwise a grant is on its way to this loop.
    }

    private void stop() {
        if (!waiting) {
            return;
        }
        waiting = false;
        totalNanos += System.nanoTime() - startNanos;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
