package dev.gatehouse.core.request;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.request.RetryDecision.NoRetry;
import dev.gatehouse.core.request.RetryDecision.Reason;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Whether and where a failed try of a request is retried, by the pool's {@code retries} policy, and
 * how long each try may wait for its response head. Only asked while no byte of a response went to
 * the client and the request is not finished: that state is the caller's. Thread-safe.
 */
public final class RetryPolicy {

    private static final long MIN_TRY_TIMEOUT_NANOS = 1_000_000L;

    private final Clock clock;

    /**
     * @param clock the monotonic clock the request's deadline is measured on
     */
    public RetryPolicy(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Decides whether a failed try is retried. The checks, in order: within {@code retries.max};
     * an idempotent method unless nothing was sent; {@code on_timeout} for a timeout; a body not
     * read yet or kept whole; before the deadline; another backend of the first try's version not
     * tried yet (on a fail-open pool, an unhealthy one in service will do); a retry left in the
     * pool's budget. The budget is checked last, because the check takes a retry from it.
     *
     * @param pool    the pool's snapshot taken at the request's arrival
     * @param kind    how the try failed; for {@link FailureKind#STATUS} the caller has checked
     *                {@link RetryConfig#retriesStatus} already
     * @param attempt the request's state
     * @return a retry with its candidates, or the reason there is none
     */
    public RetryDecision decide(PoolSnapshot pool, FailureKind kind, RetryAttempt attempt) {
        RetryConfig policy = pool.config().retry();
        if (attempt.tried().size() > policy.maxRetries()) {
            return new NoRetry(Reason.MAX_REACHED);
        }
        if (kind != FailureKind.NOT_SENT && !attempt.idempotent()) {
            return new NoRetry(Reason.NOT_IDEMPOTENT);
        }
        if (kind == FailureKind.TIMEOUT && !policy.onTimeout()) {
            return new NoRetry(Reason.TIMEOUT_NOT_RETRIED);
        }
        if (attempt.expectsBody() && attempt.bodyStarted() && !attempt.replayable()) {
            return new NoRetry(Reason.BODY_NOT_REPLAYABLE);
        }
        if (clock.nanoTime() >= attempt.deadlineNanos()) {
            return new NoRetry(Reason.DEADLINE_PASSED);
        }
        // Retries never cross versions: only the first try's version may take this request.
        String version = attempt.tried().get(0).backend().version();
        List<Member> candidates = sameVersion(pool.available(), version);
        if (!anotherBackend(attempt.tried(), candidates)) {
            // No available backend is left untried. A fail-open pool would rather try one that is
            // unhealthy or ejected (it may be back already: a restarted app) than fail for sure.
            if (pool.config().health().panic().mode() != PanicConfig.Mode.FAIL_OPEN) {
                return new NoRetry(Reason.NO_OTHER_BACKEND);
            }
            candidates = sameVersion(pool.health().inService(), version);
            if (!anotherBackend(attempt.tried(), candidates)) {
                return new NoRetry(Reason.NO_OTHER_BACKEND);
            }
        }
        if (!pool.retryBudget().tryAcquire()) {
            return new NoRetry(Reason.BUDGET_SPENT);
        }
        return new RetryDecision.Retry(candidates);
    }

    /**
     * When the last try of a request must have its response head.
     *
     * @param pool       the pool's snapshot taken at the request's arrival
     * @param startNanos the request's arrival on the policy's clock
     * @return {@code startNanos} plus {@code retries.deadline}, or {@link Long#MAX_VALUE} without one
     */
    public static long deadline(PoolSnapshot pool, long startNanos) {
        Duration deadline = pool.config().retry().deadline();
        return deadline == null ? Long.MAX_VALUE : startNanos + deadline.toNanos();
    }

    /**
     * How long a try that starts now may wait for its response head: {@code retries.per_try_timeout}
     * or the default, cut to what the deadline leaves but at least 1 ms (a try is never given a
     * zero or negative timeout, even at or past the deadline).
     *
     * @param pool          the pool's snapshot taken at the request's arrival
     * @param defaultNanos  the timeout without {@code per_try_timeout}
     *                      ({@code timeouts.backend_response_header})
     * @param deadlineNanos the request's deadline, {@link Long#MAX_VALUE} for none
     */
    public long tryTimeoutNanos(PoolSnapshot pool, long defaultNanos, long deadlineNanos) {
        Duration perTry = pool.config().retry().perTryTimeout();
        long t = perTry != null ? perTry.toNanos() : defaultNanos;
        if (deadlineNanos != Long.MAX_VALUE) {
            t = Math.min(t, Math.max(MIN_TRY_TIMEOUT_NANOS, deadlineNanos - clock.nanoTime()));
        }
        return t;
    }

    /**
     * Whether a method is idempotent (RFC 9110 §9.2.2): GET, HEAD, OPTIONS, PUT, DELETE, TRACE.
     * Method names are case-sensitive, as in HTTP.
     */
    public static boolean isIdempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE" -> true;
            default -> false;
        };
    }

    /**
     * Whether a request may be sent again on a fresh connection to the same backend after its
     * pooled connection closed: the backend closed it as we reused it (its keep-alive timeout raced
     * our pick), so nothing was answered. Not a retry: it takes nothing from the budget, and is
     * allowed once per request.
     *
     * @param reused          the connection came from the pool
     * @param replacedOnce    a stale connection was replaced for this request already
     * @param responseStarted a response byte went to the client
     * @param interim         an interim (1xx) response is being skipped
     * @param requestDone     the whole request was read from the client
     * @param expectsBody     the request has a body
     * @param idempotent      the request's method is idempotent
     */
    public static boolean mayReplaceStaleConnection(boolean reused, boolean replacedOnce, boolean responseStarted,
                                                    boolean interim, boolean requestDone, boolean expectsBody,
                                                    boolean idempotent) {
        return reused && !replacedOnce && !responseStarted && !interim && requestDone && !expectsBody && idempotent;
    }

    /**
     * Whether a request that tried {@code tried} must not go to {@code m}. Members are compared by
     * their load, which successive snapshots share for the same backend, so a backend tried under
     * an older snapshot stays excluded.
     */
    public static boolean excludes(List<Member> tried, Member m) {
        for (Member t : tried) {
            if (t.load() == m.load()) {
                return true;
            }
        }
        return false;
    }

    /** The candidates of one version; the same list when all are (no copy in the common case). */
    private static List<Member> sameVersion(List<Member> candidates, String version) {
        for (Member m : candidates) {
            if (!m.backend().version().equals(version)) {
                return candidates.stream().filter(c -> c.backend().version().equals(version)).toList();
            }
        }
        return candidates;
    }

    /** Whether one of {@code candidates} is a backend not tried yet. */
    private static boolean anotherBackend(List<Member> tried, List<Member> candidates) {
        for (Member m : candidates) {
            if (!excludes(tried, m)) {
                return true;
            }
        }
        return false;
    }
}
