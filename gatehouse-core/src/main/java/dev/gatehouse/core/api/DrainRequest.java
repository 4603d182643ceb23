package dev.gatehouse.core.api;

import dev.gatehouse.core.config.Units;
import java.time.Duration;

/**
 * {@code POST /api/v1/pools/{pool}/backends/{address}/drain}: an empty body, or
 * {@code {"deadline": "30s"}}. Past the deadline the backend counts as drained even with requests
 * still in flight.
 *
 * @param deadline a duration in the config file's grammar ({@code 250ms}, {@code 30s}, {@code 5m}), or null for none
 */
public record DrainRequest(String deadline) {

    /** No deadline. */
    public static final DrainRequest NONE = new DrainRequest(null);

    /** The deadline as a duration, or null for none. */
    public Duration duration() {
        if (deadline == null) {
            return null;
        }
        Duration d = Units.parseDuration(deadline);
        if (d == null) {
            throw new ApiInputException("deadline", Views.quote(deadline) + " (expected: " + Units.DURATION_EXPECTED + ")");
        }
        return d;
    }
}
