package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a supervised instance that exited without being asked is restarted: after {@code backoff},
 * doubled at every exit in a row up to {@code maxBackoff}; an instance that stayed up for
 * {@code resetAfter} starts again from {@code backoff}. A command that exits at once is thus
 * retried ever more slowly, never in a busy loop, and a crash after a long run costs one
 * {@code backoff}.
 *
 * @param backoff    the wait before the first restart, at most {@code maxBackoff}
 * @param maxBackoff the longest wait between restarts
 * @param resetAfter how long an instance must stay up for its next restart to wait only {@code backoff}
 */
public record RestartConfig(Duration backoff, Duration maxBackoff, Duration resetAfter) {

    /** 1 s, doubling up to 30 s, forgiven after 10 s up. */
    public static final RestartConfig DEFAULTS =
            new RestartConfig(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10));

    /** Validates the bounds. */
    public RestartConfig {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(resetAfter, "resetAfter");
        positive("backoff", backoff);
        positive("max_backoff", maxBackoff);
        positive("reset_after", resetAfter);
        if (backoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException("backoff: " + backoff.toMillis() + "ms (expected: at most max_backoff, "
                    + maxBackoff.toMillis() + "ms)");
        }
    }

    private static void positive(String key, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(key + ": " + d.toMillis() + "ms (expected: > 0)");
        }
    }
}
