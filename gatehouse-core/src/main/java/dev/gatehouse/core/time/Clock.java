package dev.gatehouse.core.time;

/**
 * A monotonic nanosecond clock. Decision code never reads the system clock itself: the data plane
 * injects the real one, tests inject a clock they advance by hand.
 */
@FunctionalInterface
public interface Clock {

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();
}
