package dev.gatehouse.core.health;

import static dev.gatehouse.core.health.HealthFixtures.check;
import static dev.gatehouse.core.health.HealthFixtures.connectFailures;
import static dev.gatehouse.core.health.HealthFixtures.members;
import static dev.gatehouse.core.health.HealthFixtures.outlier;
import static dev.gatehouse.core.health.HealthFixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.PanicConfig.Mode;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.time.FakeClock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Panic in {@link PoolHealth}: the threshold, fail-open and reject, and draining members. */
final class PanicModeTest {

    private final FakeClock clock = new FakeClock();

    /** Checks with fall 1 (so one failed check takes a backend out), outlier detection on, no slow start. */
    private PoolHealth pool(int thresholdPercent, Mode mode, List<Member> members) {
        HealthConfig config = new HealthConfig(check(1, 1), outlier(100), SlowStartConfig.OFF,
                new PanicConfig(thresholdPercent, mode));
        return HealthFixtures.pool(config, clock, members);
    }

    private static void down(PoolHealth pool, List<Member> members) {
        members.forEach(m -> pool.checkFailed(m, "connection refused"));
    }

    @ParameterizedTest(name = "threshold {0} %, {1} backends, {2} down: panic {3}")
    @CsvSource({
            "0, 4, 3, false",
            "0, 4, 4, true",    // at 0 only when none is available
            "50, 4, 2, false",  // 50 % available is not below 50 %
            "50, 4, 3, true",
            "34, 3, 2, true",   // 33 % < 34 %
            "33, 3, 2, false",
            "100, 4, 0, false",
            "100, 4, 1, true",
            "100, 1, 0, false",
            "1, 1, 1, true"
    })
    void panic_startsBelowThresholdPercentOfBackends(int threshold, int backends, int down, boolean panics) {
        List<Member> all = members(backends);
        for (Mode mode : Mode.values()) {
            PoolHealth pool = pool(threshold, mode, all);

            down(pool, all.subList(0, down));

            assertThat(pool.panicking()).as(mode.configName()).isEqualTo(panics);
            if (!panics) {
                assertThat(pool.available()).as(mode.configName()).containsExactlyElementsOf(all.subList(down, backends));
            }
        }
    }

    @Test
    void failOpen_offersEveryMemberInPoolOrder_unhealthyAndEjectedToo() {
        List<Member> four = members(4);
        PoolHealth pool = pool(50, Mode.FAIL_OPEN, four);
        down(pool, List.of(four.get(0), four.get(2)));
        connectFailures(pool, four.get(3), 3);

        assertThat(pool.panicking()).isTrue();
        assertThat(pool.available()).containsExactlyElementsOf(four);
        assertThat(pool.status(four.get(0)).state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(pool.status(four.get(3)).state()).isEqualTo(BackendState.EJECTED);
    }

    @Test
    void reject_offersNone() {
        List<Member> four = members(4);
        PoolHealth pool = pool(50, Mode.REJECT, four);
        down(pool, four.subList(0, 3));

        assertThat(pool.panicking()).isTrue();
        assertThat(pool.available()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void panic_isOverWhenEnoughBackendsAreBack(Mode mode) {
        List<Member> four = members(4);
        PoolHealth pool = pool(50, mode, four);
        down(pool, four.subList(0, 3));
        assertThat(pool.panicking()).isTrue();

        pool.checkPassed(four.get(0), "HTTP 200");

        assertThat(pool.panicking()).isFalse();
        assertThat(pool.available()).containsExactly(four.get(0), four.get(3));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void panic_endsByItselfWhenAnEjectionEnds(Mode mode) {
        List<Member> two = members(2);
        PoolHealth pool = pool(100, mode, two);
        connectFailures(pool, two.get(0), 3);
        assertThat(pool.panicking()).isTrue();

        clock.advanceSeconds(10);

        assertThat(pool.panicking()).isFalse();
        assertThat(pool.available()).containsExactlyElementsOf(two);
    }

    @Test
    void failOpen_neverOffersADrainingMember() {
        List<Member> four = members(4);
        PoolHealth pool = pool(0, Mode.FAIL_OPEN, four);
        pool.drain(four.get(1), true);
        down(pool, List.of(four.get(0), four.get(2), four.get(3)));

        assertThat(pool.panicking()).isTrue();
        assertThat(pool.available()).containsExactly(four.get(0), four.get(2), four.get(3));
    }

    @Test
    void failOpen_withADrainingMemberThatIsAlsoDown_offersOnlyTheOthers() {
        List<Member> three = members(3);
        PoolHealth pool = pool(0, Mode.FAIL_OPEN, three);
        down(pool, three);
        pool.drain(three.get(2), true);

        assertThat(pool.panicking()).isTrue();
        assertThat(pool.available()).containsExactly(three.get(0), three.get(1));
    }

    @Test
    void threshold_countsOnlyMembersNotDraining() {
        // 4 backends, 1 draining, 1 down: 2 of 3 (67 %) available, below 70 % -> panic.
        List<Member> four = members(4);
        PoolHealth pool = pool(70, Mode.FAIL_OPEN, four);
        pool.drain(four.get(3), true);
        down(pool, List.of(four.get(0)));

        assertThat(pool.panicking()).isTrue();
        assertThat(pool.available()).containsExactly(four.get(0), four.get(1), four.get(2));

        pool.drain(four.get(3), false); // 3 of 4 (75 %)
        assertThat(pool.panicking()).isFalse();
        assertThat(pool.available()).containsExactly(four.get(1), four.get(2), four.get(3));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyMemberDraining_isNoPanic_andOffersNone(Mode mode) {
        List<Member> two = members(2);
        PoolHealth pool = pool(100, mode, two);
        two.forEach(m -> pool.drain(m, true));

        assertThat(pool.panicking()).isFalse();
        assertThat(pool.available()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void emptyPool_isNoPanic(Mode mode) {
        PoolHealth pool = pool(100, mode, List.of());

        assertThat(pool.panicking()).isFalse();
        assertThat(pool.available()).isEmpty();
    }

    @Test
    void joinerWaitingForItsFirstCheck_isOfferedInFailOpenPanic() {
        List<Member> one = members(1);
        PoolHealth pool = pool(0, Mode.FAIL_OPEN, one);
        down(pool, one);
        Member joiner = HealthFixtures.member(2);

        pool.members(List.of(one.get(0), joiner));

        assertThat(pool.panicking()).isTrue();
        assertThat(pool.available()).containsExactly(one.get(0), joiner);
    }
}
