package dev.gatehouse.server.cache;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Request collapsing: of the concurrent cache misses for one key, one (the leader) goes to the
 * backend and the others (followers) wait for it, so a popular response that expires costs the
 * backend one request rather than a stampede.
 *
 * <p>{@link #join} makes the first caller for a key its LEADER, which must fetch and then call
 * {@link #done} with whether it stored a response. The callers after it are FOLLOWERs: their
 * ticket's {@code outcome} completes with true when the leader stored one (look the cache up
 * again) or false when it did not (fetch yourself). It completes on the thread that calls
 * {@code done} (or the timer's): hop back to your own event loop before touching a channel.
 *
 * <p>Bounded in time: a flight ends {@code timeout} after its leader joined if the leader has not
 * called {@code done} by then; its followers get false and the key is free, so the next caller
 * becomes leader. A leader whose outcome is already complete has timed out and should not call
 * {@code done}: that would end the next leader's flight early, whose followers would then look
 * the cache up or fetch for themselves (more backend requests, never a wrong answer).
 *
 * <p>Bounded in size: at most {@code maxFollowers} callers wait on one flight; the ones beyond get
 * BYPASS (fetch yourself, do not call {@code done}), so one hot key cannot pile up unbounded
 * waiters. Thread-safe: a key's flight changes only inside {@link ConcurrentHashMap#compute} or an
 * atomic remove.
 */
public final class Collapser {

    /** What a caller of {@link #join} does. */
    public enum Role {
        /** Fetch, then call {@link #done}. */
        LEADER,
        /** Wait for the outcome. */
        FOLLOWER,
        /** Fetch, without calling {@link #done}: too many wait already. */
        BYPASS
    }

    /**
     * What {@link #join} said.
     *
     * @param role    what to do
     * @param outcome for a FOLLOWER, the leader's result (true: stored); for a LEADER, its own
     *                flight's result, complete early (false) only if it timed out; for a BYPASS,
     *                false. Each caller gets its own future: cancelling it affects no one else.
     */
    public record Ticket(Role role, CompletableFuture<Boolean> outcome) {
    }

    /** One leader's fetch and its followers. */
    private static final class Flight {
        final CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        /** Guarded by the map's lock on the key. */
        int followers;
        volatile ScheduledFuture<?> timeout;

        void end(boolean stored) {
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            outcome.complete(stored);
        }
    }

    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    private final long timeoutNanos;
    private final int maxFollowers;
    private final ScheduledExecutorService timer;

    /**
     * @param timeout      how long a flight may last before its followers are released
     * @param maxFollowers how many callers may wait on one flight (0: nobody waits)
     * @param timer        runs the timeouts (the task only completes futures); most flights end
     *                     before theirs and cancel it, so a {@code ScheduledThreadPoolExecutor}
     *                     should remove cancelled tasks ({@code setRemoveOnCancelPolicy(true)})
     */
    public Collapser(Duration timeout, int maxFollowers, ScheduledExecutorService timer) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (maxFollowers < 0) {
            throw new IllegalArgumentException("maxFollowers: " + maxFollowers + " (expected: >= 0)");
        }
        this.timeoutNanos = timeout.toNanos();
        this.maxFollowers = maxFollowers;
        this.timer = Objects.requireNonNull(timer, "timer");
    }

    /** Joins the flight for {@code key}, leading a new one when there is none. */
    public Ticket join(String key) {
        Ticket[] ticket = new Ticket[1];
        Flight flight = flights.compute(key, (k, current) -> {
            if (current == null) {
                Flight started = new Flight();
                ticket[0] = new Ticket(Role.LEADER, started.outcome.copy());
                return started;
            }
            if (current.followers >= maxFollowers) {
                ticket[0] = new Ticket(Role.BYPASS, CompletableFuture.completedFuture(false));
            } else {
                current.followers++;
                ticket[0] = new Ticket(Role.FOLLOWER, current.outcome.copy());
            }
            return current;
        });
        if (ticket[0].role() == Role.LEADER) {
            // Scheduled outside the map's lock. Should done() come first, the timeout finds the
            // flight gone and does nothing.
            try {
                flight.timeout = timer.schedule(() -> expire(key, flight), timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // No timer, so no bound on the wait: nobody waits on this flight.
                expire(key, flight);
            }
        }
        return ticket[0];
    }

    /**
     * Ends the flight for {@code key}, as its leader does after fetching: its followers' outcome
     * becomes {@code stored}, and the next caller leads a new flight. Nothing when there is none.
     */
    public void done(String key, boolean stored) {
        Flight flight = flights.remove(key);
        if (flight != null) {
            flight.end(stored);
        }
    }

    /** How many keys have a flight now. */
    public int inFlight() {
        return flights.size();
    }

    private void expire(String key, Flight flight) {
        if (flights.remove(key, flight)) {
            flight.end(false);
        }
    }
}
