package dev.gatehouse.bench.chaos;

import java.time.Instant;
import java.util.Locale;

/**
 * Wall-clock time in epoch microseconds: the one time base shared by the harness, the backends'
 * request logs (epoch milliseconds) and the node's access log (ISO instants), which are separate
 * processes. Not for measuring durations inside one process: use {@link System#nanoTime()}.
 */
public final class WallClock {

    private WallClock() {
    }

    /** Now, in microseconds since the epoch (microsecond resolution on Linux). */
    public static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** {@code micros} as seconds since {@code originMicros}, e.g. {@code 12.345}. */
    public static String since(long micros, long originMicros) {
        return String.format(Locale.ROOT, "%.3f", (micros - originMicros) / 1e6);
    }
}
