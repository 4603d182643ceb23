package dev.gatehouse.core.health;

import static dev.gatehouse.core.health.HealthFixtures.member;
import static dev.gatehouse.core.health.HealthFixtures.members;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The slow-start share of {@link PoolHealth}: a linear ramp from {@code min_percent} to 1. */
final class SlowStartShareTest {

    private static final long MS = 1_000_000L;

    private final FakeClock clock = new FakeClock();

    /** A running pool of two initial members and a joiner added now (no checks, so it ramps at once). */
    private record Ramp(PoolHealth pool, List<Member> initial, Member joiner) {
    }

    private Ramp joinNow(SlowStartConfig slowStart) {
        List<Member> initial = members(2);
        PoolHealth pool = PoolHealth.create("web", new HealthConfig(null, null, slowStart, PanicConfig.DEFAULTS), clock);
        pool.members(initial);
        Member joiner = member(3);
        List<Member> all = new ArrayList<>(initial);
        all.add(joiner);
        pool.members(all);
        return new Ramp(pool, initial, joiner);
    }

    @ParameterizedTest(name = "window {0} s from {1} %: at {2} ms the share is {3}")
    @CsvSource({
            "10, 10, 0, 0.1",
            "10, 10, 1, 0.10009",
            "10, 10, 2500, 0.325",
            "10, 10, 5000, 0.55",
            "10, 10, 7500, 0.775",
            "10, 10, 9999, 0.99991",
            "10, 10, 10000, 1.0",
            "10, 10, 60000, 1.0",
            "60, 1, 0, 0.01",
            "60, 1, 30000, 0.505",
            "60, 50, 15000, 0.625",
            "1, 99, 500, 0.995"
    })
    void share_rampsLinearlyFromMinPercentToOneOverTheWindow(int windowSeconds, int minPercent, long elapsedMs,
                                                               double expected) {
        Ramp r = joinNow(new SlowStartConfig(Duration.ofSeconds(windowSeconds), minPercent));

        clock.advanceMillis(elapsedMs);

        assertThat(r.pool().share(r.joiner())).isCloseTo(expected, within(1e-9));
        assertThat(r.pool().status(r.joiner()).share()).isCloseTo(expected, within(1e-9));
    }

    @Test
    void share_neverDecreasesDuringTheRamp() {
        Ramp r = joinNow(HealthFixtures.RAMP);
        double previous = 0;

        for (int i = 0; i <= 120; i++) {
            double share = r.pool().share(r.joiner());
            assertThat(share).isGreaterThanOrEqualTo(previous).isBetween(0.1, 1.0);
            previous = share;
            clock.advanceMillis(100);
        }
        assertThat(previous).isEqualTo(1.0);
    }

    @Test
    void share_ofMembersNotRamping_isOne_whileAnotherRamps() {
        Ramp r = joinNow(HealthFixtures.RAMP);

        assertThat(r.initial()).allSatisfy(m -> assertThat(r.pool().share(m)).isEqualTo(1.0));
        assertThat(r.pool().share(member(9))).isEqualTo(1.0);
    }

    @Test
    void share_withSlowStartOff_isOneAtOnce() {
        for (SlowStartConfig off : List.of(SlowStartConfig.OFF, new SlowStartConfig(Duration.ZERO, 10),
                new SlowStartConfig(Duration.ofSeconds(10), 100))) {
            Ramp r = joinNow(off);

            assertThat(r.pool().share(r.joiner())).isEqualTo(1.0);
            assertThat(r.pool().status(r.joiner()).state()).isEqualTo(BackendState.HEALTHY);
        }
    }

    @Test
    void joinersAtDifferentTimes_rampIndependently() {
        Ramp r = joinNow(HealthFixtures.RAMP);
        clock.advanceSeconds(5);
        Member second = member(4);
        List<Member> all = new ArrayList<>(r.pool().members());
        all.add(second);
        r.pool().members(all);

        assertThat(r.pool().share(r.joiner())).isCloseTo(0.55, within(1e-9));
        assertThat(r.pool().share(second)).isCloseTo(0.1, within(1e-9));

        clock.advanceSeconds(5);
        assertThat(r.pool().share(r.joiner())).isEqualTo(1.0);
        assertThat(r.pool().share(second)).isCloseTo(0.55, within(1e-9));

        clock.advanceSeconds(5);
        assertThat(r.pool().share(second)).isEqualTo(1.0);
    }

    @Test
    void rampingMember_isAvailableFromTheStart() {
        Ramp r = joinNow(HealthFixtures.RAMP);

        assertThat(r.pool().available()).containsExactly(r.initial().get(0), r.initial().get(1), r.joiner());
    }

    // ---------------------------------------------------------------- status

    @Test
    void status_explainsSlowStartingWithTheTimeLeft() {
        Ramp r = joinNow(HealthFixtures.RAMP);
        clock.advanceMillis(5000);

        BackendStatus s = r.pool().status(r.joiner());

        assertThat(s.state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(s.remainingNanos()).isEqualTo(5000 * MS);
        assertThat(s.share()).isCloseTo(0.55, within(1e-9));
        assertThat(s.reason()).contains("ramping up").contains("55 %");
        assertThat(s.state().available()).isTrue();
    }

    @Test
    void status_afterTheRamp_isHealthyWithFullShare() {
        Ramp r = joinNow(HealthFixtures.RAMP);
        clock.advanceSeconds(10);

        BackendStatus s = r.pool().status(r.joiner());

        assertThat(s).isEqualTo(new BackendStatus(BackendState.HEALTHY, "", 0, 1.0, 0, ""));
    }

    @Test
    void status_atTheStartOfTheRamp_hasTheWholeWindowLeft() {
        Ramp r = joinNow(HealthFixtures.RAMP);

        BackendStatus s = r.pool().status(r.joiner());

        assertThat(s.remainingNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(s.reason()).contains("10 %");
    }
}
