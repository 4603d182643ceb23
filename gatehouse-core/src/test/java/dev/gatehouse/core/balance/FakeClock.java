package dev.gatehouse.core.balance;

import dev.gatehouse.core.time.Clock;
import java.util.concurrent.TimeUnit;

/** A clock that moves only when a test advances it. */
final class FakeClock implements Clock {

    private volatile long now = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return now;
    }

    void advance(long amount, TimeUnit unit) {
        now += unit.toNanos(amount);
    }
}
