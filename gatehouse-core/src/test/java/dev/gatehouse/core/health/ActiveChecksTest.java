package dev.gatehouse.core.health;

import static dev.gatehouse.core.health.HealthFixtures.RAMP;
import static dev.gatehouse.core.health.HealthFixtures.check;
import static dev.gatehouse.core.health.HealthFixtures.checksOnly;
import static dev.gatehouse.core.health.HealthFixtures.member;
import static dev.gatehouse.core.health.HealthFixtures.members;
import static dev.gatehouse.core.health.HealthFixtures.pool;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.OutlierConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.time.FakeClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Active health checks in {@link PoolHealth}: rise and fall, the first check, joiners. */
final class ActiveChecksTest {

    private final FakeClock clock = new FakeClock();

    private static void pass(PoolHealth pool, Member m, int n) {
        for (int i = 0; i < n; i++) {
            pool.checkPassed(m, "HTTP 200 in 3 ms");
        }
    }

    private static void fail(PoolHealth pool, Member m, int n) {
        for (int i = 0; i < n; i++) {
            pool.checkFailed(m, "HTTP 503");
        }
    }

    // ---------------------------------------------------------------- fall

    @ParameterizedTest(name = "fall {0}")
    @CsvSource({"1", "2", "3", "5"})
    void healthyBackend_becomesUnhealthyAfterExactlyFallFailures(int fall) {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, fall), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);

        fail(pool, a, fall - 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(pool.available()).contains(a);

        fail(pool, a, 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(pool.available()).containsExactly(two.get(1));
    }

    @Test
    void failuresInARow_areResetByAPass() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 3), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);

        fail(pool, a, 2);
        pass(pool, a, 1);
        fail(pool, a, 2);

        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        fail(pool, a, 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.UNHEALTHY);
    }

    // ---------------------------------------------------------------- rise

    @ParameterizedTest(name = "rise {0}")
    @CsvSource({"1", "2", "4"})
    void unhealthyBackend_becomesHealthyAfterExactlyRisePasses(int rise) {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(rise, 2), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);
        fail(pool, a, 2);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.UNHEALTHY);

        pass(pool, a, rise - 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(pool.available()).doesNotContain(a);

        pass(pool, a, 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(pool.available()).containsExactlyElementsOf(two);
    }

    @Test
    void passesInARow_areResetByAFailure() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(3, 1), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);
        fail(pool, a, 1);

        pass(pool, a, 2);
        fail(pool, a, 1);
        pass(pool, a, 2);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.UNHEALTHY);

        pass(pool, a, 1);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
    }

    // ---------------------------------------------------------------- the first check

    @Test
    void initialMembers_takeTrafficAtOnceBeforeAnyCheck() {
        List<Member> three = members(3);
        PoolHealth pool = pool(new HealthConfig(check(2, 3), null, RAMP, PanicConfig.DEFAULTS), clock, three);

        assertThat(pool.available()).containsExactlyElementsOf(three);
        assertThat(pool.panicking()).isFalse();
        for (Member m : three) {
            BackendStatus s = pool.status(m);
            assertThat(s.state()).isEqualTo(BackendState.HEALTHY);
            assertThat(s.share()).isEqualTo(1.0);
            assertThat(pool.share(m)).isEqualTo(1.0);
            assertThat(s.lastCheck()).isEmpty();
        }
    }

    @Test
    void firstFailureBeforeAnyPass_marksUnhealthyAtOnce() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 3), clock, two);

        fail(pool, two.get(0), 1);

        assertThat(pool.status(two.get(0)).state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(pool.available()).containsExactly(two.get(1));
    }

    @Test
    void firstFailureAfterAPass_doesNotMarkUnhealthy() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 3), clock, two);
        pass(pool, two.get(0), 1);

        fail(pool, two.get(0), 1);

        assertThat(pool.status(two.get(0)).state()).isEqualTo(BackendState.HEALTHY);
    }

    @Test
    void backendThatFailedItsFirstCheck_comesBackAtItsFirstPass() {
        // Unproven either way: like a joiner, it waits for one passing check, not rise of them.
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(3, 3), clock, two);
        fail(pool, two.get(0), 1);

        pass(pool, two.get(0), 1);

        assertThat(pool.status(two.get(0)).state()).isEqualTo(BackendState.HEALTHY);
    }

    // ---------------------------------------------------------------- flapping

    @Test
    void flappingBackend_alternatingPassAndFail_neverChangesState_whenHealthy() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 3), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);
        List<Member> before = pool.available();

        for (int i = 0; i < 50; i++) {
            fail(pool, a, 1);
            assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
            pass(pool, a, 1);
            assertThat(pool.status(a).state()).isEqualTo(BackendState.HEALTHY);
        }
        assertThat(pool.available()).isSameAs(before);
    }

    @Test
    void flappingBackend_alternatingPassAndFail_neverChangesState_whenUnhealthy() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 3), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);
        fail(pool, a, 3);
        List<Member> before = pool.available();

        for (int i = 0; i < 50; i++) {
            pass(pool, a, 1);
            assertThat(pool.status(a).state()).isEqualTo(BackendState.UNHEALTHY);
            fail(pool, a, 1);
            assertThat(pool.status(a).state()).isEqualTo(BackendState.UNHEALTHY);
        }
        assertThat(pool.available()).isSameAs(before);
    }

    // ---------------------------------------------------------------- joiners

    @Test
    void backendAddedToRunningPoolWithChecks_waitsForAPassingCheck() {
        List<Member> two = members(2);
        PoolHealth pool = pool(new HealthConfig(check(2, 3), null, RAMP, PanicConfig.DEFAULTS), clock, two);
        Member joiner = member(3);
        List<Member> three = List.of(two.get(0), two.get(1), joiner);

        pool.members(three);

        assertThat(pool.available()).containsExactlyElementsOf(two);
        BackendStatus waiting = pool.status(joiner);
        assertThat(waiting.state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(waiting.reason()).contains("waiting for its first passing health check");
        assertThat(waiting.share()).isZero();

        fail(pool, joiner, 5);
        assertThat(pool.available()).containsExactlyElementsOf(two);

        pass(pool, joiner, 1);
        assertThat(pool.available()).containsExactlyElementsOf(three);
        BackendStatus ramping = pool.status(joiner);
        assertThat(ramping.state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(ramping.share()).isEqualTo(0.1);
        assertThat(pool.share(joiner)).isEqualTo(0.1);
    }

    @Test
    void backendAddedToRunningPoolWithChecks_isHealthyAtOnceAfterItsFirstPass_withoutSlowStart() {
        List<Member> one = members(1);
        PoolHealth pool = pool(checksOnly(3, 3), clock, one);
        Member joiner = member(2);
        pool.members(List.of(one.get(0), joiner));

        pass(pool, joiner, 1);

        assertThat(pool.status(joiner).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(pool.share(joiner)).isEqualTo(1.0);
    }

    @Test
    void backendAddedToRunningPoolWithoutChecks_rampsAtOnce() {
        List<Member> two = members(2);
        PoolHealth pool = pool(new HealthConfig(null, OutlierConfig.DEFAULTS, RAMP, PanicConfig.DEFAULTS), clock, two);
        Member joiner = member(3);

        pool.members(List.of(two.get(0), two.get(1), joiner));

        assertThat(pool.available()).contains(joiner);
        assertThat(pool.status(joiner).state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(pool.share(joiner)).isEqualTo(0.1);
        assertThat(pool.share(two.get(0))).isEqualTo(1.0);
    }

    @Test
    void backendAddedToRunningPoolWithoutChecksOrSlowStart_takesItsFullShareAtOnce() {
        List<Member> one = members(1);
        PoolHealth pool = pool(new HealthConfig(null, null, SlowStartConfig.OFF, PanicConfig.DEFAULTS), clock, one);
        Member joiner = member(2);

        pool.members(List.of(one.get(0), joiner));

        assertThat(pool.status(joiner).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(pool.share(joiner)).isEqualTo(1.0);
    }

    @Test
    void backendRemovedAndAddedAgain_isANewJoiner() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 3), clock, two);
        pool.members(List.of(two.get(0)));
        assertThat(pool.status(two.get(1))).isNull();

        pool.members(two);

        assertThat(pool.status(two.get(1)).state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(pool.available()).containsExactly(two.get(0));
    }

    @Test
    void newSnapshotOfAMember_keepsItsState() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 1), clock, two);
        fail(pool, two.get(0), 1);
        Member again = HealthFixtures.resnapshotted(two.get(0));

        pool.members(List.of(again, two.get(1)));

        assertThat(pool.status(again).state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(pool.available()).containsExactly(two.get(1));
        pool.checkPassed(again, "HTTP 200");
        assertThat(pool.available()).containsExactly(again, two.get(1));
    }

    @Test
    void backendBackFromUnhealthy_slowStarts() {
        List<Member> two = members(2);
        PoolHealth pool = pool(new HealthConfig(check(2, 1), null, RAMP, PanicConfig.DEFAULTS), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);
        fail(pool, a, 1);
        clock.advanceSeconds(60);

        pass(pool, a, 2);

        assertThat(pool.status(a).state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(pool.share(a)).isEqualTo(0.1);
    }

    // ---------------------------------------------------------------- without checks, unknown members

    @Test
    void checkResults_withoutActiveChecks_areIgnored() {
        List<Member> two = members(2);
        PoolHealth pool = pool(HealthFixtures.outlierOnly(OutlierConfig.DEFAULTS), clock, two);

        fail(pool, two.get(0), 10);

        assertThat(pool.status(two.get(0)).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(pool.status(two.get(0)).lastCheck()).isEmpty();
        assertThat(pool.available()).containsExactlyElementsOf(two);
    }

    @Test
    void inputsAboutAMemberNotInThePool_changeNothing() {
        List<Member> two = members(2);
        PoolHealth pool = pool(new HealthConfig(check(1, 1), OutlierConfig.DEFAULTS, RAMP, PanicConfig.DEFAULTS),
                clock, two);
        List<Member> before = pool.available();
        Member stranger = member(9);

        pool.checkFailed(stranger, "HTTP 503");
        HealthFixtures.connectFailures(pool, stranger, 10);
        pool.drain(stranger, true);

        assertThat(pool.available()).isSameAs(before);
        assertThat(pool.status(stranger)).isNull();
        assertThat(pool.share(stranger)).isEqualTo(1.0);
    }

    // ---------------------------------------------------------------- status

    @Test
    void status_ofUnhealthyBackend_namesTheFailedCheck() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(2, 3), clock, two);
        Member a = two.get(0);
        pass(pool, a, 1);
        pool.checkFailed(a, "HTTP 500");
        pool.checkFailed(a, "connection refused");
        pool.checkFailed(a, "HTTP 503");

        BackendStatus s = pool.status(a);

        assertThat(s.state()).isEqualTo(BackendState.UNHEALTHY);
        assertThat(s.reason()).contains("3 health check(s) failed in a row").contains("HTTP 503");
        assertThat(s.lastCheck()).isEqualTo("failed: HTTP 503");
        assertThat(s.remainingNanos()).isZero();
        assertThat(s.share()).isZero();
    }

    @Test
    void status_lastCheck_followsEveryCheck() {
        List<Member> one = members(1);
        PoolHealth pool = pool(checksOnly(2, 3), clock, one);
        Member a = one.get(0);
        List<String> seen = new ArrayList<>();

        pool.checkPassed(a, "HTTP 200 in 3 ms");
        seen.add(pool.status(a).lastCheck());
        pool.checkFailed(a, "timed out after 1000 ms");
        seen.add(pool.status(a).lastCheck());

        assertThat(seen).containsExactly("passed: HTTP 200 in 3 ms", "failed: timed out after 1000 ms");
    }

    @Test
    void status_ofHealthyBackendAgain_hasNoReason() {
        List<Member> two = members(2);
        PoolHealth pool = pool(checksOnly(1, 1), clock, two);
        fail(pool, two.get(0), 1);

        pass(pool, two.get(0), 1);

        BackendStatus s = pool.status(two.get(0));
        assertThat(s.state()).isEqualTo(BackendState.HEALTHY);
        assertThat(s.reason()).isEmpty();
        assertThat(s.share()).isEqualTo(1.0);
    }

    // ---------------------------------------------------------------- checks and ejection

    @Test
    void ejectedBackend_passingRiseChecks_isBackBeforeItsEjectionEnds() {
        List<Member> two = members(2);
        PoolHealth pool = pool(new HealthConfig(check(2, 3), HealthFixtures.outlier(100), RAMP, PanicConfig.DEFAULTS),
                clock, two);
        Member a = two.get(0);
        HealthFixtures.connectFailures(pool, a, 3);
        assertThat(pool.status(a).state()).isEqualTo(BackendState.EJECTED);

        pass(pool, a, 1);
        assertThat(pool.status(a).state()).as("one pass is not rise").isEqualTo(BackendState.EJECTED);
        pass(pool, a, 1);

        assertThat(pool.status(a).state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(pool.available()).containsExactly(two.get(0), two.get(1));
    }

    @Test
    void inService_listsEveryMemberNotTakenOut_whateverItsHealth() {
        List<Member> three = members(3);
        PoolHealth pool = pool(new HealthConfig(check(2, 1), HealthFixtures.outlier(100), SlowStartConfig.OFF,
                PanicConfig.DEFAULTS), clock, three);
        fail(pool, three.get(0), 1);
        HealthFixtures.connectFailures(pool, three.get(1), 3);
        pool.drain(three.get(2), true);

        assertThat(pool.inService()).containsExactly(three.get(0), three.get(1));
        // Nothing is available: the default fail-open panic offers exactly those.
        assertThat(pool.panicking()).isTrue();
        assertThat(pool.available()).isEqualTo(pool.inService());
    }
}
