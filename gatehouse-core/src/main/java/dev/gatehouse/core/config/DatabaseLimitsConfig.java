package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds of the PostgreSQL front door, for all its listeners.
 *
 * @param maxMessageSize the largest protocol message a client or server may send, 1 KiB to 1 GiB;
 *                       a larger one closes the connection with SQLSTATE 54000
 *                       (program_limit_exceeded)
 * @param startupTimeout how long a client has from connecting to being authenticated
 * @param pauseTimeout   how long a pause waits for the transactions in flight before it cancels
 *                       them
 */
public record DatabaseLimitsConfig(int maxMessageSize, Duration startupTimeout, Duration pauseTimeout) {

    /** The least {@code max_message_size} may be. */
    public static final int MIN_MESSAGE_SIZE = 1024;
    /** The most {@code max_message_size} may be: PostgreSQL's own bound on a field value. */
    public static final int MAX_MESSAGE_SIZE = 1 << 30;

    /** Messages up to 1 MiB, 10 s to authenticate, 30 s for a pause. */
    public static final DatabaseLimitsConfig DEFAULTS = new DatabaseLimitsConfig(1 << 20, Duration.ofSeconds(10),
            Duration.ofSeconds(30));

    /** Validates the bounds. */
    public DatabaseLimitsConfig {
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        Objects.requireNonNull(pauseTimeout, "pauseTimeout");
        if (maxMessageSize < MIN_MESSAGE_SIZE || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("max_message_size: " + maxMessageSize + " (expected: 1 KiB to 1 GiB)");
        }
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startup_timeout: " + startupTimeout.toMillis() + "ms (expected: > 0)");
        }
        if (pauseTimeout.isNegative() || pauseTimeout.isZero()) {
            throw new IllegalArgumentException("pause_timeout: " + pauseTimeout.toMillis() + "ms (expected: > 0)");
        }
    }
}
