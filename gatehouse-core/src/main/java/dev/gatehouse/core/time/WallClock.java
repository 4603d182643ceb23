package dev.gatehouse.core.time;

/** Calendar time, for what outlives the process (cookie expiry); injected like {@link Clock}. */
@FunctionalInterface
public interface WallClock {

    /** Seconds since the Unix epoch. */
    long epochSeconds();
}
