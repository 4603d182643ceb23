package dev.gatehouse.server.proxy;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A timeout on one event loop that fires when nothing has touched it for a while, without a
 * schedule and a cancel per request: at most one task is pending; when it runs early (the timer was
 * touched or restarted since) it schedules itself again for the remainder. Stopping only clears a
 * flag. This keeps a keep-alive connection serving thousands of requests per second from churning
 * the loop's task queue. Loop-confined.
 */
final class IdleTimer implements Runnable {

    private final EventLoop loop;
    private final Runnable onTimeout;
    private final BooleanSupplier paused;
    private boolean active;
    private long timeoutNanos;
    private long lastTouch;
    private ScheduledFuture<?> task;
    private long taskDue;

    /**
     * @param loop      the loop everything runs on
     * @param onTimeout run once when the timer expires while active
     * @param paused    while true, time does not count (e.g. the peer is waiting for us, not we for it)
     */
    IdleTimer(EventLoop loop, Runnable onTimeout, BooleanSupplier paused) {
        this.loop = loop;
        this.onTimeout = onTimeout;
        this.paused = paused;
    }

    /** Starts (or restarts) the timer with a new timeout counted from now. */
    void start(long timeoutNanos) {
        long now = System.nanoTime();
        this.timeoutNanos = timeoutNanos;
        this.lastTouch = now;
        this.active = true;
        long due = now + timeoutNanos;
        if (task != null && taskDue - due > 0) {
            // The pending task would fire too late for this shorter timeout.
            task.cancel(false);
            task = null;
        }
        if (task == null) {
            schedule(timeoutNanos, due);
        }
    }

    /** Restarts the current timeout from now. */
    void touch() {
        lastTouch = System.nanoTime();
    }

    /** Stops the timer; a pending task finds it stopped and does nothing. */
    void stop() {
        active = false;
    }

    /** Stops the timer and cancels any pending task; for when the connection closes. */
    void cancel() {
        active = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    boolean isActive() {
        return active;
    }

    /** When it was last started or touched, on {@link System#nanoTime()}'s scale. */
    long lastTouch() {
        return lastTouch;
    }

    @Override
    public void run() {
        task = null;
        if (!active) {
            return;
        }
        long now = System.nanoTime();
        if (paused.getAsBoolean()) {
            lastTouch = now;
        }
        long remaining = lastTouch + timeoutNanos - now;
        if (remaining <= 0) {
            active = false;
            onTimeout.run();
        } else {
            schedule(remaining, now + remaining);
        }
    }

    private void schedule(long delayNanos, long due) {
        taskDue = due;
        task = loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
