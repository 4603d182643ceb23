package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Retries of a request to another backend of its pool.
 *
 * <p>A request that was provably not sent (the connect failed, or the connection broke before any
 * byte of it was written) is always retried. An idempotent one (GET, HEAD, OPTIONS, PUT, DELETE,
 * TRACE) is also retried when the backend closed or reset the connection before any response byte,
 * when the try timed out ({@code onTimeout}), or when the response status is in {@code onStatus}
 * (the response is then dropped unread). A request body is replayed only if it fit in
 * {@code bufferBody}. Every retry must fit the budget and the deadline.
 *
 * @param maxRetries    retries per request after the first try, 0-10; 0 turns retries off entirely,
 *                      even for requests that were not sent
 * @param onStatus      response statuses (500-599) that make an idempotent request try another
 *                      backend, if one is left; otherwise the response goes to the client
 * @param onTimeout     whether an idempotent request whose try timed out is retried
 * @param perTryTimeout the longest wait for a response head per try, or null for
 *                      {@code timeouts.backend_response_header}
 * @param deadline      the longest time from a request's arrival to its response head over all
 *                      tries, or null for no deadline
 * @param bufferBody    bytes of request body kept for a replay, 0-16 MiB; a longer body is not
 *                      retried once any of it was sent
 * @param budget        how many retries a pool may make
 */
public record RetryConfig(int maxRetries, List<Integer> onStatus, boolean onTimeout, Duration perTryTimeout,
                          Duration deadline, long bufferBody, RetryBudgetConfig budget) {

    /** Two retries on connect failures, resets and timeouts, 64 KiB bodies, the default budget. */
    public static final RetryConfig DEFAULTS = new RetryConfig(2, List.of(), true, null, null, 64 * 1024,
            RetryBudgetConfig.DEFAULTS);

    /** No retries at all. */
    public static final RetryConfig OFF = new RetryConfig(0, List.of(), false, null, null, 0, RetryBudgetConfig.DEFAULTS);

    /** Validates the bounds. */
    public RetryConfig {
        onStatus = List.copyOf(onStatus);
        Objects.requireNonNull(budget, "budget");
        if (maxRetries < 0 || maxRetries > 10) {
            throw new IllegalArgumentException("max: " + maxRetries + " (expected: 0-10)");
        }
        for (int s : onStatus) {
            if (s < 500 || s > 599) {
                throw new IllegalArgumentException("on_status: " + s + " (expected: statuses 500-599)");
            }
        }
        if (perTryTimeout != null && (perTryTimeout.isNegative() || perTryTimeout.isZero())) {
            throw new IllegalArgumentException("per_try_timeout: " + perTryTimeout.toMillis() + "ms (expected: > 0)");
        }
        if (deadline != null && (deadline.isNegative() || deadline.isZero())) {
            throw new IllegalArgumentException("deadline: " + deadline.toMillis() + "ms (expected: > 0)");
        }
        if (bufferBody < 0 || bufferBody > 16L * 1024 * 1024) {
            throw new IllegalArgumentException("buffer_body: " + bufferBody + " (expected: 0-16MiB)");
        }
    }

    /** Whether a response status makes an idempotent request try another backend. */
    public boolean retriesStatus(int status) {
        return onStatus.contains(status);
    }
}
