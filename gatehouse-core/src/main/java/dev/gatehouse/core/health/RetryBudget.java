package dev.gatehouse.core.health;

import dev.gatehouse.core.config.RetryBudgetConfig;
import dev.gatehouse.core.time.Clock;
import java.util.Objects;

/**
 * How many retries a pool may still make: over the last window, at most {@code percent} of its
 * requests plus {@code min_per_second} per second of the window. Requests and retries are counted
 * in one-second buckets of a ring, so the window slides by whole seconds. Thread-safe; one short
 * critical section per request and per retry.
 */
public final class RetryBudget {

    private static final long SECOND = 1_000_000_000L;

    private final RetryBudgetConfig config;
    private final Clock clock;
    private final int seconds;
    private final long[] bucketSecond;
    private final long[] requests;
    private final long[] retries;
    private long deniedTotal;
    private long retriedTotal;

    private RetryBudget(RetryBudgetConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seconds = (int) Math.max(1, config.window().toSeconds());
        this.bucketSecond = new long[seconds];
        this.requests = new long[seconds];
        this.retries = new long[seconds];
        java.util.Arrays.fill(bucketSecond, Long.MIN_VALUE);
    }

    /** Creates an empty budget. */
    public static RetryBudget create(RetryBudgetConfig config, Clock clock) {
        return new RetryBudget(config, clock);
    }

    /** Counts a request (a first try; retries are counted by {@link #tryAcquire}). */
    public synchronized void recordRequest() {
        requests[bucket(clock.nanoTime())]++;
    }

    /**
     * Takes one retry from the budget if it allows one.
     *
     * @return true if the retry may go ahead (it is counted); false if the budget is spent
     */
    public synchronized boolean tryAcquire() {
        long now = clock.nanoTime();
        int current = bucket(now);
        long second = Math.floorDiv(now, SECOND);
        long req = 0;
        long ret = 0;
        for (int i = 0; i < seconds; i++) {
            if (bucketSecond[i] > second - seconds) {
                req += requests[i];
                ret += retries[i];
            }
        }
        double allowed = req * config.percent() / 100.0 + (double) config.minPerSecond() * seconds;
        if (ret + 1 > allowed) {
            deniedTotal++;
            return false;
        }
        retries[current]++;
        retriedTotal++;
        return true;
    }

    /** Retries made since the start. */
    public synchronized long retriedTotal() {
        return retriedTotal;
    }

    /** Retries the budget refused since the start. */
    public synchronized long deniedTotal() {
        return deniedTotal;
    }

    /** The bucket of this second, cleared if it last held an older second. */
    private int bucket(long nanos) {
        long second = Math.floorDiv(nanos, SECOND);
        int i = (int) Math.floorMod(second, (long) seconds);
        if (bucketSecond[i] != second) {
            bucketSecond[i] = second;
            requests[i] = 0;
            retries[i] = 0;
        }
        return i;
    }
}
