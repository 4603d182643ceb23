package dev.gatehouse.core.request;

import dev.gatehouse.core.balance.Member;
import java.util.List;
import java.util.Objects;

/** What {@link RetryPolicy#decide} says about a failed try: retry on these candidates, or why not. */
public sealed interface RetryDecision {

    /**
     * Retry: one retry was taken from the pool's budget.
     *
     * @param candidates the members of the first try's version that may take the retry; the tried
     *                   ones are among them and must be excluded at admission (see
     *                   {@link RetryPolicy#excludes})
     */
    record Retry(List<Member> candidates) implements RetryDecision {

        /** Validates and copies (an immutable list, as the pool's are, is kept as the same object). */
        public Retry {
            candidates = List.copyOf(candidates);
            if (candidates.isEmpty()) {
                throw new IllegalArgumentException("candidates: [] (expected: a member to retry on)");
            }
        }
    }

    /**
     * No retry: the try's failure is the request's answer.
     *
     * @param reason the first check that refused, in {@link RetryPolicy#decide}'s order
     */
    record NoRetry(Reason reason) implements RetryDecision {

        /** Validates. */
        public NoRetry {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why a failed try is not retried, in the order the checks are made. */
    enum Reason {
        /** The request had {@code retries.max} retries already (or retries are off). */
        MAX_REACHED,
        /** The request may have reached the backend and its method is not idempotent. */
        NOT_IDEMPOTENT,
        /** The try timed out and {@code retries.on_timeout} is off. */
        TIMEOUT_NOT_RETRIED,
        /** Some of the body was read and it was not kept whole ({@code retries.buffer_body}). */
        BODY_NOT_REPLAYABLE,
        /** The request's {@code retries.deadline} has passed. */
        DEADLINE_PASSED,
        /** Every backend of the first try's version that could take it was tried already. */
        NO_OTHER_BACKEND,
        /** The pool's retry budget is spent. */
        BUDGET_SPENT
    }
}
