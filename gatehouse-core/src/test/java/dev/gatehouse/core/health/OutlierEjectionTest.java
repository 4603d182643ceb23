package dev.gatehouse.core.health;

import static dev.gatehouse.core.health.HealthFixtures.RAMP;
import static dev.gatehouse.core.health.HealthFixtures.connectFailures;
import static dev.gatehouse.core.health.HealthFixtures.members;
import static dev.gatehouse.core.health.HealthFixtures.outlier;
import static dev.gatehouse.core.health.HealthFixtures.outlierOnly;
import static dev.gatehouse.core.health.HealthFixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.health.HealthFixtures.CountingListener;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Passive outlier detection in {@link PoolHealth}: thresholds, backoff, forgiveness, the cap. */
final class OutlierEjectionTest {

    private static final long SECOND = 1_000_000_000L;

    private final FakeClock clock = new FakeClock();

    /** The kinds of failure a request can end in, each with its own counter and threshold. */
    enum Failure {
        CONNECT((pool, m) -> pool.connectFailed(m, "connection refused"), "connect failures in a row", "connection refused"),
        SERVER_ERROR((pool, m) -> pool.serverError(m, "HTTP 502"), "server errors in a row", "HTTP 502"),
        TIMEOUT((pool, m) -> pool.timedOut(m), "timeouts in a row", "");

        final BiConsumer<PoolHealth, Member> report;
        final String kind;
        final String last;

        Failure(BiConsumer<PoolHealth, Member> report, String kind, String last) {
            this.report = report;
            this.kind = kind;
            this.last = last;
        }

        void report(PoolHealth pool, Member m, int n) {
            for (int i = 0; i < n; i++) {
                report.accept(pool, m);
            }
        }

        /** Outlier detection where only this kind counts, with the given threshold. */
        OutlierConfig only(int threshold) {
            return switch (this) {
                case CONNECT -> outlier(threshold, 0, 0);
                case SERVER_ERROR -> outlier(0, threshold, 0);
                case TIMEOUT -> outlier(0, 0, threshold);
            };
        }
    }

    private PoolHealth pool(OutlierConfig outlier, List<Member> members) {
        return HealthFixtures.pool(outlierOnly(outlier), clock, members);
    }

    // ---------------------------------------------------------------- thresholds

    @ParameterizedTest(name = "{0}")
    @EnumSource(Failure.class)
    void backend_isEjectedAfterExactlyThresholdFailuresInARow(Failure failure) {
        List<Member> two = members(2);
        PoolHealth pool = pool(failure.only(4), two);
        Member a = two.get(0);

        failure.report(pool, a, 3);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(pool.available()).containsExactlyElementsOf(two);

        failure.report(pool, a, 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.EJECTED);
        assertThat(pool.available()).containsExactly(two.get(1));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Failure.class)
    void successInBetween_resetsTheCount(Failure failure) {
        List<Member> two = members(2);
        PoolHealth pool = pool(failure.only(3), two);
        Member a = two.get(0);

        for (int round = 0; round < 10; round++) {
            failure.report(pool, a, 2);
            pool.succeeded(a);
        }

        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        failure.report(pool, a, 2);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        failure.report(pool, a, 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.EJECTED);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Failure.class)
    void thresholdZero_turnsThatKindOff(Failure failure) {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(0, 0, 0), two);

        failure.report(pool, two.get(0), 1000);

        assertThat(pool.status(two.get(0)).state()).isEqualTo(BackendState.HEALTHY);
    }

    @Test
    void kindsOfFailure_countSeparately() {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);

        for (Failure f : Failure.values()) {
            f.report(pool, a, 2);
        }

        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
    }

    @Test
    void withoutOutlierDetection_nothingIsEjected() {
        List<Member> two = members(2);
        PoolHealth pool = HealthFixtures.pool(new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS),
                clock, two);

        for (Failure f : Failure.values()) {
            f.report(pool, two.get(0), 100);
        }

        assertThat(pool.status(two.get(0)).state()).isEqualTo(BackendState.HEALTHY);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Failure.class)
    void status_ofEjectedBackend_namesTheFailuresAndTheTimeLeft(Failure failure) {
        List<Member> two = members(2);
        PoolHealth pool = pool(failure.only(3), two);
        Member a = two.get(0);
        failure.report(pool, a, 3);
        clock.advanceSeconds(4);

        BackendStatus s = pool.status(a);

        assertThat(s.state()).isEqualTo(BackendState.EJECTED);
        assertThat(s.reason()).contains("3 " + failure.kind).contains(failure.last);
        assertThat(s.remainingNanos()).isEqualTo(6 * SECOND);
        assertThat(s.share()).isZero();
        assertThat(s.ejections()).isEqualTo(1);
    }

    @Test
    void failuresWhileEjected_doNotExtendTheEjection() {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        connectFailures(pool, a, 3);
        clock.advanceSeconds(5);

        connectFailures(pool, a, 30);

        BackendStatus s = pool.status(a);
        assertThat(s.ejections()).isEqualTo(1);
        assertThat(s.remainingNanos()).isEqualTo(5 * SECOND);
    }

    // ---------------------------------------------------------------- length and forgiveness

    @Test
    void ejectionLength_isBaseTimesEjections_cappedAtMaxEjection() {
        // base 10 s, max 40 s: 10, 20, 30, 40, 40 when ejected again at once every time.
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        List<Long> lengths = new ArrayList<>();

        for (int i = 0; i < 5; i++) {
            connectFailures(pool, a, 3);
            BackendStatus s = pool.status(a);
            assertThat(s.state()).isEqualTo(BackendState.EJECTED);
            lengths.add(s.remainingNanos() / SECOND);
            clock.advance(Duration.ofNanos(s.remainingNanos()));
            assertThat(pool.available()).contains(a);
        }

        assertThat(lengths).containsExactly(10L, 20L, 30L, 40L, 40L);
    }

    @ParameterizedTest(name = "after {0} s of good behaviour the next ejection lasts {1} s")
    @CsvSource({
            "0, 40",   // none forgiven: the 4th ejection, 4 x 10 s
            "9, 40",   // not a whole base time yet
            "10, 30",  // one forgiven: ejections 3 -> 2, the next is the 3rd
            "25, 20",  // two forgiven
            "30, 10",  // all three forgiven
            "1000, 10" // never below zero
    })
    void ejections_areForgivenOnePerBaseEjectionTimeOfGoodBehaviour(long goodSeconds, long expectedSeconds) {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        for (int i = 0; i < 3; i++) {
            connectFailures(pool, a, 3);
            clock.advance(Duration.ofNanos(pool.status(a).remainingNanos()));
            pool.available();
        }
        assertThat(pool.status(a).ejections()).isEqualTo(3);

        clock.advanceSeconds(goodSeconds);
        connectFailures(pool, a, 3);

        assertThat(pool.status(a).remainingNanos()).isEqualTo(expectedSeconds * SECOND);
    }

    @Test
    void forgiveness_countsFromTheEndOfTheEjection_evenWhenTheEndIsNoticedLate() {
        // The ejection (10 s) ends at t=10 s, but nothing asks until t=25 s. At t=30 s the backend
        // has behaved for 20 s since its ejection ended: both ejections are forgiven.
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        connectFailures(pool, a, 3);
        clock.advanceSeconds(10);
        pool.available();
        connectFailures(pool, a, 3); // 2nd ejection, 20 s, ends at t=30 s
        clock.advanceSeconds(35);    // t=45 s: noticed 15 s late
        assertThat(pool.available()).contains(a);
        clock.advanceSeconds(5);     // t=50 s: 20 s after the end

        connectFailures(pool, a, 3);

        assertThat(pool.status(a).remainingNanos()).isEqualTo(10 * SECOND);
    }

    // ---------------------------------------------------------------- the end of an ejection

    @Test
    void ejection_endsLazilyWhenTheClockPassesTheDeadline() {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        CountingListener listener = new CountingListener();
        pool.onChange(listener);
        connectFailures(pool, a, 3);
        List<Member> ejected = pool.available();
        assertThat(ejected).containsExactly(two.get(1));
        assertThat(listener.calls).isEqualTo(1);

        clock.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThat(pool.available()).isSameAs(ejected);
        assertThat(listener.calls).isEqualTo(1);

        clock.advance(Duration.ofNanos(1));
        List<Member> back = pool.available();
        assertThat(back).containsExactlyElementsOf(two);
        assertThat(listener.calls).isEqualTo(2);
        assertThat(pool.available()).isSameAs(back);
        assertThat(listener.calls).isEqualTo(2);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(pool.status(a).ejections()).isEqualTo(1);
    }

    @Test
    void ejections_ofSeveralBackends_endEachAtItsOwnDeadline() {
        List<Member> three = members(3);
        PoolHealth pool = pool(outlier(100), three);
        connectFailures(pool, three.get(0), 3);
        clock.advanceSeconds(4);
        connectFailures(pool, three.get(1), 3);
        assertThat(pool.available()).containsExactly(three.get(2));

        clock.advanceSeconds(6);
        assertThat(pool.available()).containsExactly(three.get(0), three.get(2));

        clock.advanceSeconds(4);
        assertThat(pool.available()).containsExactlyElementsOf(three);
    }

    @Test
    void backendReturningFromEjection_slowStarts() {
        List<Member> two = members(2);
        PoolHealth pool = HealthFixtures.pool(new HealthConfig(null, outlier(3, 3, 3), RAMP, PanicConfig.DEFAULTS), clock,
                two);
        Member a = two.get(0);
        connectFailures(pool, a, 3);
        clock.advanceSeconds(10);

        assertThat(pool.available()).contains(a);

        BackendStatus s = pool.status(a);
        assertThat(s.state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(s.share()).isEqualTo(0.1);
        assertThat(s.remainingNanos()).isEqualTo(10 * SECOND);
        assertThat(pool.share(a)).isEqualTo(0.1);
        clock.advanceSeconds(10);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
    }

    @Test
    void ejectedBackend_losesItsRamp() {
        List<Member> one = members(1);
        PoolHealth pool = HealthFixtures.pool(new HealthConfig(null, outlier(3, 3, 3), RAMP, PanicConfig.DEFAULTS), clock,
                one);
        Member joiner = HealthFixtures.member(2);
        pool.members(List.of(one.get(0), joiner));
        assertThat(pool.status(joiner).state()).isEqualTo(BackendState.SLOW_STARTING);

        connectFailures(pool, joiner, 3);

        assertThat(pool.status(joiner).state()).isEqualTo(BackendState.EJECTED);
        assertThat(pool.status(joiner).share()).isZero();
    }

    // ---------------------------------------------------------------- the cap

    @ParameterizedTest(name = "{0} backends, max_ejection_percent {1}: at most {2} ejected")
    @CsvSource({
            "10, 30, 3",
            "10, 35, 3",
            "4, 50, 2",
            "3, 50, 1",
            "2, 10, 1",  // at least one is ejectable
            "1, 1, 1",
            "4, 100, 4",
            "4, 0, 0"    // 0: never eject
    })
    void maxEjectionPercent_capsTheBackendsEjectedAtOnce(int backends, int percent, int expectedEjected) {
        List<Member> all = members(backends);
        PoolHealth pool = pool(outlier(percent), all);

        for (Member m : all) {
            connectFailures(pool, m, 3);
        }

        long ejected = all.stream().filter(m -> pool.status(m).state() == BackendState.EJECTED).count();
        assertThat(ejected).isEqualTo(expectedEjected);
        assertThat(all.subList(0, expectedEjected))
                .allSatisfy(m -> assertThat(pool.status(m).state()).isEqualTo(BackendState.EJECTED));
    }

    @Test
    void backendRefusedByTheCap_isEjectedOnceAnotherEjectionEnds() {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(50), two);
        connectFailures(pool, two.get(0), 3);
        connectFailures(pool, two.get(1), 3);
        assertThat(pool.status(two.get(1)).state()).isEqualTo(BackendState.HEALTHY);

        clock.advanceSeconds(10);
        assertThat(pool.available()).containsExactlyElementsOf(two);
        connectFailures(pool, two.get(1), 3);

        assertThat(pool.status(two.get(1)).state()).isEqualTo(BackendState.EJECTED);
        assertThat(pool.available()).containsExactly(two.get(0));
    }

    @Test
    void cap_doesNotCountAnEjectionWhoseDeadlinePassed_evenBeforeAnyoneNoticed() {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(50), two);
        CountingListener listener = new CountingListener();
        pool.onChange(listener);
        connectFailures(pool, two.get(0), 3);
        clock.advanceSeconds(10);

        connectFailures(pool, two.get(1), 3); // nothing called available() since the deadline

        assertThat(pool.available()).containsExactly(two.get(0));
        assertThat(pool.status(two.get(1)).state()).isEqualTo(BackendState.EJECTED);
        assertThat(pool.status(two.get(0)).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(listener.calls).isEqualTo(3); // the first ejection, its end, the second ejection
    }

    @Test
    void backendWhoseEjectionEndedUnnoticed_isEjectedAgainAtItsThreshold() {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        connectFailures(pool, a, 3);
        clock.advanceSeconds(10);

        connectFailures(pool, a, 3);

        BackendStatus s = pool.status(a);
        assertThat(s.state()).isEqualTo(BackendState.EJECTED);
        assertThat(s.ejections()).isEqualTo(2);
        assertThat(s.remainingNanos()).isEqualTo(20 * SECOND);
    }

    @Test
    void removedBackend_isNotCountedByTheCap() {
        List<Member> three = members(3);
        PoolHealth pool = pool(outlier(50), three); // 3 backends at 50 %: one at a time
        connectFailures(pool, three.get(0), 3);
        pool.members(three.subList(1, 3));           // 2 backends at 50 %: one at a time

        connectFailures(pool, three.get(1), 3);

        assertThat(pool.status(three.get(1)).state()).isEqualTo(BackendState.EJECTED);
        assertThat(pool.available()).containsExactly(three.get(2));
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void failuresReportedFromManyThreads_ejectOnce() throws Exception {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(threads.submit(() -> {
                    go.await();
                    for (int i = 0; i < 1000; i++) {
                        pool.connectFailed(a, "refused");
                        pool.serverError(a, "HTTP 502");
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        BackendStatus s = pool.status(a);
        assertThat(s.state()).isEqualTo(BackendState.EJECTED);
        assertThat(s.ejections()).isEqualTo(1);
        assertThat(pool.available()).containsExactly(two.get(1));
    }

    @Test
    void failuresOfRequestsInFlightDuringTheEjection_doNotCountAfterIt() {
        List<Member> two = members(2);
        PoolHealth pool = pool(outlier(3, 3, 3), two);
        Member a = two.get(0);
        connectFailures(pool, a, 3);
        // Requests that were already on their way fail while it is ejected.
        pool.serverError(a, "connection closed before the response");
        pool.serverError(a, "connection closed before the response");
        clock.advanceSeconds(10);
        assertThat(pool.status(a).state()).isNotEqualTo(BackendState.EJECTED);

        pool.serverError(a, "HTTP 500");

        assertThat(pool.status(a).state()).as("one failure after the ejection is not three").isNotEqualTo(BackendState.EJECTED);
    }
}
