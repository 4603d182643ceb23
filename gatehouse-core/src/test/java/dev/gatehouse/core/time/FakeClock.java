package dev.gatehouse.core.time;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Clock} that moves only when a test advances it, for every test of time-driven decisions
 * (slow start, ejection, budgets, queues). It starts on a whole second, so that tests counting in
 * whole seconds line up with windows that do.
 */
public final class FakeClock implements Clock {

    private volatile long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves the clock on by {@code d}. */
    public void advance(Duration d) {
        now += d.toNanos();
    }

    /** Moves the clock on by {@code amount} of {@code unit}. */
    public void advance(long amount, TimeUnit unit) {
        now += unit.toNanos(amount);
    }

    /** Moves the clock on by {@code ms} milliseconds. */
    public void advanceMillis(long ms) {
        now += ms * 1_000_000L;
    }

    /** Moves the clock on by {@code s} seconds. */
    public void advanceSeconds(long s) {
        now += s * 1_000_000_000L;
    }
}
