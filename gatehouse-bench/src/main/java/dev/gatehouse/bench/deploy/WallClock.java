package dev.gatehouse.bench.deploy;

import java.time.Instant;

/**
 * Wall-clock time in epoch microseconds: the time base shared by the harness, the backends'
 * request logs (epoch milliseconds) and the node's access log (ISO instants), which are separate
 * processes. Not for durations inside one process: use {@link System#nanoTime()}.
 */
final class WallClock {

    private WallClock() {
    }

    /** Now, in microseconds since the epoch (microsecond resolution on Linux). */
    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
