package dev.gatehouse.core.request;

import dev.gatehouse.core.balance.Member;
import java.util.List;

/**
 * What a retry decision needs to know about a request whose try failed.
 *
 * @param idempotent    whether the request's method is idempotent (see {@link RetryPolicy#isIdempotent})
 * @param tried         the members tried so far, the failed one included; the first is the first try
 * @param expectsBody   whether the request has a body (a positive content length, or chunked)
 * @param bodyStarted   whether any of the body was read from the client, or all of it
 * @param replayable    whether the body read so far is kept whole for a replay
 * @param deadlineNanos when the last try must have its response head, on the policy's clock;
 *                      {@link Long#MAX_VALUE} for no deadline (see {@link RetryPolicy#deadline})
 */
public record RetryAttempt(boolean idempotent, List<Member> tried, boolean expectsBody, boolean bodyStarted,
                           boolean replayable, long deadlineNanos) {

    /** Validates and copies. */
    public RetryAttempt {
        tried = List.copyOf(tried);
        if (tried.isEmpty()) {
            throw new IllegalArgumentException("tried: [] (expected: the failed try at least)");
        }
    }
}
