package dev.gatehouse.core.request;

import static dev.gatehouse.core.request.RequestFixtures.A;
import static dev.gatehouse.core.request.RequestFixtures.B;
import static dev.gatehouse.core.request.RequestFixtures.C;
import static dev.gatehouse.core.request.RequestFixtures.config;
import static dev.gatehouse.core.request.RequestFixtures.member;
import static dev.gatehouse.core.request.RequestFixtures.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.RetryBudgetConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.request.RetryDecision.NoRetry;
import dev.gatehouse.core.request.RetryDecision.Reason;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Retry decisions, their order, and per-try timeouts, on a fake clock. */
final class RetryPolicyTest {

    private static final List<BackendConfig> THREE_V1 = List.of(new BackendConfig(A, 1, "v1"),
            new BackendConfig(B, 1, "v1"), new BackendConfig(C, 1, "v1"));
    /** A generous budget: never the reason in tests that are not about it. */
    private static final RetryBudgetConfig PLENTY = new RetryBudgetConfig(100, 1000, Duration.ofSeconds(10));
    private static final HealthConfig FAIL_OPEN = health(PanicConfig.Mode.FAIL_OPEN);

    private final FakeClock clock = new FakeClock();
    private final RetryPolicy policy = new RetryPolicy(clock);
    private Snapshot snapshot;

    private static HealthConfig health(PanicConfig.Mode panic) {
        // One connect failure ejects, so a test can take a backend out of the available set.
        return new HealthConfig(null, new OutlierConfig(1, 0, 0, Duration.ofSeconds(30), Duration.ofSeconds(60), 100),
                SlowStartConfig.OFF, new PanicConfig(0, panic));
    }

    private static RetryConfig retries(int max, boolean onTimeout, Duration perTry, Duration deadline,
                                       RetryBudgetConfig budget) {
        return new RetryConfig(max, List.of(502), onTimeout, perTry, deadline, 64 * 1024, budget);
    }

    private static RetryConfig retries(int max) {
        return retries(max, true, null, null, PLENTY);
    }

    private PoolSnapshot pool(List<BackendConfig> backends, HealthConfig health, RetryConfig retry) {
        snapshot = RequestFixtures.snapshot(null, config(web(backends, null, health, retry)), RuntimeState.EMPTY, clock,
                () -> 1_700_000_000L);
        return snapshot.pool("web");
    }

    private PoolSnapshot pool(RetryConfig retry) {
        return pool(THREE_V1, FAIL_OPEN, retry);
    }

    private Member m(dev.gatehouse.core.config.HostPort address) {
        return member(snapshot, address);
    }

    /** A GET without a body and without a deadline, that tried these. */
    private static RetryAttempt get(Member... tried) {
        return new RetryAttempt(true, List.of(tried), false, false, false, Long.MAX_VALUE);
    }

    /** A POST whose body was not read yet, without a deadline, that tried these. */
    private static RetryAttempt post(Member... tried) {
        return new RetryAttempt(false, List.of(tried), true, false, false, Long.MAX_VALUE);
    }

    // ---------------------------------------------------------------- decisions

    @Test
    void decide_aFailedGet_retriesOnTheAvailableMembers_takingOneFromTheBudget() {
        PoolSnapshot pool = pool(retries(2));

        RetryDecision d = policy.decide(pool, FailureKind.MAYBE_SENT, get(m(A)));

        // The pool's own list: the tried member is excluded at admission, not here.
        assertThat(d).isEqualTo(new RetryDecision.Retry(pool.available()));
        assertThat(((RetryDecision.Retry) d).candidates()).isSameAs(pool.available());
        assertThat(pool.retryBudget().retriedTotal()).isEqualTo(1);
    }

    @Test
    void decide_afterMaxRetries_isMaxReached() {
        PoolSnapshot pool = pool(retries(2));

        assertThat(policy.decide(pool, FailureKind.NOT_SENT, get(m(A), m(B)))).isInstanceOf(RetryDecision.Retry.class);
        assertThat(policy.decide(pool, FailureKind.NOT_SENT, get(m(A), m(B), m(C))))
                .isEqualTo(new NoRetry(Reason.MAX_REACHED));
    }

    @Test
    void decide_withRetriesOff_retriesNothing_notEvenANotSentRequest() {
        PoolSnapshot pool = pool(RetryConfig.OFF);

        assertThat(policy.decide(pool, FailureKind.NOT_SENT, get(m(A)))).isEqualTo(new NoRetry(Reason.MAX_REACHED));
    }

    @ParameterizedTest
    @EnumSource(FailureKind.class)
    void decide_aPost_isRetriedOnlyWhenProvablyNotSent(FailureKind kind) {
        PoolSnapshot pool = pool(retries(2));

        RetryDecision d = policy.decide(pool, kind, post(m(A)));

        if (kind == FailureKind.NOT_SENT) {
            assertThat(d).isInstanceOf(RetryDecision.Retry.class);
        } else {
            assertThat(d).isEqualTo(new NoRetry(Reason.NOT_IDEMPOTENT));
        }
    }

    @Test
    void decide_aTimeout_withOnTimeoutOff_isNotRetried_whileOtherFailuresAre() {
        PoolSnapshot pool = pool(retries(2, false, null, null, PLENTY));

        assertThat(policy.decide(pool, FailureKind.TIMEOUT, get(m(A)))).isEqualTo(new NoRetry(Reason.TIMEOUT_NOT_RETRIED));
        assertThat(policy.decide(pool, FailureKind.MAYBE_SENT, get(m(A)))).isInstanceOf(RetryDecision.Retry.class);
        assertThat(policy.decide(pool, FailureKind.STATUS, get(m(A)))).isInstanceOf(RetryDecision.Retry.class);
    }

    @ParameterizedTest(name = "expectsBody={0} bodyStarted={1} replayable={2} -> retried={3}")
    @CsvSource({
        "false, false, false, true",
        "true,  false, false, true",
        "true,  true,  true,  true",
        "true,  true,  false, false",
    })
    void decide_aBodyPartlyRead_isRetriedOnlyWhenKeptWhole(boolean expectsBody, boolean bodyStarted, boolean replayable,
                                                           boolean retried) {
        PoolSnapshot pool = pool(retries(2));
        RetryAttempt attempt = new RetryAttempt(true, List.of(m(A)), expectsBody, bodyStarted, replayable, Long.MAX_VALUE);

        RetryDecision d = policy.decide(pool, FailureKind.MAYBE_SENT, attempt);

        if (retried) {
            assertThat(d).isInstanceOf(RetryDecision.Retry.class);
        } else {
            assertThat(d).isEqualTo(new NoRetry(Reason.BODY_NOT_REPLAYABLE));
        }
    }

    @Test
    void decide_atTheDeadline_isDeadlinePassed() {
        PoolSnapshot pool = pool(retries(2, true, null, Duration.ofSeconds(1), PLENTY));
        long deadline = RetryPolicy.deadline(pool, clock.nanoTime());
        RetryAttempt attempt = new RetryAttempt(true, List.of(m(A)), false, false, false, deadline);

        clock.advanceMillis(999);
        assertThat(policy.decide(pool, FailureKind.TIMEOUT, attempt)).isInstanceOf(RetryDecision.Retry.class);
        clock.advanceMillis(1);
        assertThat(policy.decide(pool, FailureKind.TIMEOUT, attempt)).isEqualTo(new NoRetry(Reason.DEADLINE_PASSED));
    }

    @Test
    void deadline_isNoneWithoutRetriesDeadline() {
        assertThat(RetryPolicy.deadline(pool(retries(2)), clock.nanoTime())).isEqualTo(Long.MAX_VALUE);
        assertThat(RetryPolicy.deadline(pool(retries(2, true, null, Duration.ofMillis(1500), PLENTY)), 5_000L))
                .isEqualTo(5_000L + 1_500_000_000L);
    }

    @Test
    void decide_retriesOnlyOnTheFirstTrysVersion() {
        // Declared backends of two versions: all serve until a cutover picks one.
        PoolSnapshot pool = pool(List.of(new BackendConfig(A, 1, "v1"), new BackendConfig(B, 1, "v1"),
                new BackendConfig(C, 1, "v2")), FAIL_OPEN, retries(3));
        assertThat(pool.available()).hasSize(3);

        RetryDecision afterA = policy.decide(pool, FailureKind.NOT_SENT, get(m(A)));
        RetryDecision afterAB = policy.decide(pool, FailureKind.NOT_SENT, get(m(A), m(B)));
        RetryDecision afterC = policy.decide(pool, FailureKind.NOT_SENT, get(m(C)));

        assertThat(afterA).isEqualTo(new RetryDecision.Retry(List.of(m(A), m(B))));
        assertThat(afterAB).isEqualTo(new NoRetry(Reason.NO_OTHER_BACKEND));
        assertThat(afterC).isEqualTo(new NoRetry(Reason.NO_OTHER_BACKEND));
    }

    @ParameterizedTest
    @EnumSource(PanicConfig.Mode.class)
    void decide_withNoAvailableBackendLeft_aFailOpenPoolTriesAnEjectedOneInService(PanicConfig.Mode mode) {
        PoolSnapshot pool = pool(THREE_V1, health(mode), retries(2));
        pool.health().connectFailed(m(B), "connection refused");
        assertThat(pool.available()).containsExactly(m(A), m(C));

        RetryDecision d = policy.decide(pool, FailureKind.NOT_SENT, get(m(A), m(C)));

        if (mode == PanicConfig.Mode.FAIL_OPEN) {
            assertThat(d).isEqualTo(new RetryDecision.Retry(List.of(m(A), m(B), m(C))));
        } else {
            assertThat(d).isEqualTo(new NoRetry(Reason.NO_OTHER_BACKEND));
        }
    }

    @Test
    void decide_withTheBudgetSpent_isBudgetSpent() {
        PoolSnapshot pool = pool(retries(2, true, null, null, new RetryBudgetConfig(0, 0, Duration.ofSeconds(1))));

        assertThat(policy.decide(pool, FailureKind.NOT_SENT, get(m(A)))).isEqualTo(new NoRetry(Reason.BUDGET_SPENT));
        assertThat(pool.retryBudget().deniedTotal()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- the order of the checks

    /** Two backends, at most 2 retries, no retry on timeouts, a 1 s deadline, a budget of one retry, no fail-open. */
    private PoolSnapshot strictPool() {
        return pool(List.of(new BackendConfig(A, 1, "v1"), new BackendConfig(B, 1, "v1")), health(PanicConfig.Mode.REJECT),
                retries(2, false, null, Duration.ofSeconds(1), new RetryBudgetConfig(0, 1, Duration.ofSeconds(1))));
    }

    @Test
    void decide_reportsTheFirstFailingCheck_inOrder() {
        PoolSnapshot pool = strictPool();
        Member a = m(A);
        Member b = m(B);
        long passed = clock.nanoTime();

        // Each step fixes the check that refused, uncovering the next one.
        assertThat(policy.decide(pool, FailureKind.TIMEOUT, new RetryAttempt(false, List.of(a, b, a), true, true, false, passed)))
                .isEqualTo(new NoRetry(Reason.MAX_REACHED));
        assertThat(policy.decide(pool, FailureKind.TIMEOUT, new RetryAttempt(false, List.of(a, b), true, true, false, passed)))
                .isEqualTo(new NoRetry(Reason.NOT_IDEMPOTENT));
        assertThat(policy.decide(pool, FailureKind.TIMEOUT, new RetryAttempt(true, List.of(a, b), true, true, false, passed)))
                .isEqualTo(new NoRetry(Reason.TIMEOUT_NOT_RETRIED));
        assertThat(policy.decide(pool, FailureKind.MAYBE_SENT, new RetryAttempt(true, List.of(a, b), true, true, false, passed)))
                .isEqualTo(new NoRetry(Reason.BODY_NOT_REPLAYABLE));
        assertThat(policy.decide(pool, FailureKind.MAYBE_SENT, new RetryAttempt(true, List.of(a, b), true, true, true, passed)))
                .isEqualTo(new NoRetry(Reason.DEADLINE_PASSED));
        long later = passed + 1;
        assertThat(policy.decide(pool, FailureKind.MAYBE_SENT, new RetryAttempt(true, List.of(a, b), true, true, true, later)))
                .isEqualTo(new NoRetry(Reason.NO_OTHER_BACKEND));
        // None of these took the budget's only retry.
        assertThat(pool.retryBudget().retriedTotal()).isZero();
        assertThat(pool.retryBudget().deniedTotal()).isZero();

        assertThat(policy.decide(pool, FailureKind.MAYBE_SENT, new RetryAttempt(true, List.of(a), true, true, true, later)))
                .isEqualTo(new RetryDecision.Retry(pool.available()));
        assertThat(policy.decide(pool, FailureKind.MAYBE_SENT, new RetryAttempt(true, List.of(b), true, true, true, later)))
                .isEqualTo(new NoRetry(Reason.BUDGET_SPENT));
        assertThat(pool.retryBudget().retriedTotal()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- per-try timeout

    @Test
    void tryTimeoutNanos_isThePerTryTimeout_orTheDefault() {
        assertThat(policy.tryTimeoutNanos(pool(retries(2)), 30_000_000_000L, Long.MAX_VALUE)).isEqualTo(30_000_000_000L);
        assertThat(policy.tryTimeoutNanos(pool(retries(2, true, Duration.ofSeconds(2), null, PLENTY)), 30_000_000_000L,
                Long.MAX_VALUE)).isEqualTo(2_000_000_000L);
    }

    @Test
    void tryTimeoutNanos_isCutByTheDeadline_toAtLeastOneMillisecond() {
        PoolSnapshot pool = pool(retries(2, true, Duration.ofSeconds(2), Duration.ofSeconds(3), PLENTY));
        long deadline = RetryPolicy.deadline(pool, clock.nanoTime());

        assertThat(policy.tryTimeoutNanos(pool, 30_000_000_000L, deadline)).isEqualTo(2_000_000_000L);
        clock.advanceMillis(2_500);
        assertThat(policy.tryTimeoutNanos(pool, 30_000_000_000L, deadline)).isEqualTo(500_000_000L);
        clock.advance(499_800, java.util.concurrent.TimeUnit.MICROSECONDS);
        assertThat(policy.tryTimeoutNanos(pool, 30_000_000_000L, deadline)).isEqualTo(1_000_000L);
        clock.advanceMillis(10);
        assertThat(policy.tryTimeoutNanos(pool, 30_000_000_000L, deadline)).isEqualTo(1_000_000L);
    }

    // ---------------------------------------------------------------- helpers

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
    void isIdempotent_isTrueForTheIdempotentMethods(String method) {
        assertThat(RetryPolicy.isIdempotent(method)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PATCH", "CONNECT", "get", "PROPFIND", ""})
    void isIdempotent_isFalseForOthers_namesBeingCaseSensitive(String method) {
        assertThat(RetryPolicy.isIdempotent(method)).isFalse();
    }

    @ParameterizedTest(name = "reused={0} replacedOnce={1} responseStarted={2} interim={3} requestDone={4} "
            + "expectsBody={5} idempotent={6} -> {7}")
    @CsvSource({
        "true,  false, false, false, true,  false, true,  true",
        "false, false, false, false, true,  false, true,  false",
        "true,  true,  false, false, true,  false, true,  false",
        "true,  false, true,  false, true,  false, true,  false",
        "true,  false, false, true,  true,  false, true,  false",
        "true,  false, false, false, false, false, true,  false",
        "true,  false, false, false, true,  true,  true,  false",
        "true,  false, false, false, true,  false, false, false",
    })
    void mayReplaceStaleConnection_onlyForAWholeBodilessIdempotentRequestOnAReusedConnection_once(
            boolean reused, boolean replacedOnce, boolean responseStarted, boolean interim, boolean requestDone,
            boolean expectsBody, boolean idempotent, boolean expected) {
        assertThat(RetryPolicy.mayReplaceStaleConnection(reused, replacedOnce, responseStarted, interim, requestDone,
                expectsBody, idempotent)).isEqualTo(expected);
    }

    @Test
    void excludes_knowsATriedBackendByItsLoad_acrossSnapshots() {
        pool(retries(2));
        Member a = m(A);
        Member sameBackendNextSnapshot = new Member(a.backend(), a.load());

        assertThat(RetryPolicy.excludes(List.of(a), sameBackendNextSnapshot)).isTrue();
        assertThat(RetryPolicy.excludes(List.of(a), m(B))).isFalse();
        assertThat(RetryPolicy.excludes(List.of(), a)).isFalse();
    }

    @Test
    void retryAttempt_withoutATry_isRejected() {
        assertThatThrownBy(() -> new RetryAttempt(true, List.of(), false, false, false, Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tried");
    }
}
