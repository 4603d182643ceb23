package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatehouse.core.config.HashConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.health.PoolHealth;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Balancer#slowStart}: a ramping member keeps the strategy's pick with probability equal to
 * its share. Picks are counted over many requests with a seeded random, so every count here is
 * deterministic; the tolerances are still wide enough (about 6 standard deviations) for any seed.
 */
final class SlowStartBalancerTest {

    private static final long SEED = 42;
    private static final int PICKS = 40_000;

    /** A random source that fails the test if a pick consults it. */
    private static final RandomGenerator NO_RANDOM = () -> {
        throw new AssertionError("the random source was consulted");
    };

    /** The first member ramps with {@code share}, the others take their full share. */
    private static SlowStart firstRamps(List<Member> members, double share) {
        Member ramping = members.get(0);
        return m -> m.load() == ramping.load() ? share : 1.0;
    }

    @Test
    void pick_fromNoCandidates_isNull() {
        Balancer b = Balancer.slowStart(Balancer.roundRobin(), m -> 0.1, NO_RANDOM);

        assertThat(b.pick(List.of(), TestRequest.ANY)).isNull();
    }

    @ParameterizedTest(name = "share {0}")
    @CsvSource({"0.01", "0.5", "1.0"})
    void pick_ofASingleCandidate_alwaysReturnsIt(double share) {
        List<Member> one = Members.equal(1);
        Balancer b = Balancer.slowStart(Balancer.roundRobin(), m -> share, NO_RANDOM);

        for (int i = 0; i < 1000; i++) {
            assertThat(b.pick(one, TestRequest.ANY)).isSameAs(one.get(0));
        }
    }

    @Test
    void pick_whenEveryShareIsOne_isExactlyTheInnerStrategy() {
        List<Member> four = Members.equal(4);
        Balancer plain = Balancer.roundRobin();
        Balancer wrapped = Balancer.slowStart(Balancer.roundRobin(), SlowStart.NONE, NO_RANDOM);

        for (int i = 0; i < 100; i++) {
            assertThat(wrapped.pick(four, TestRequest.ANY)).isSameAs(plain.pick(four, TestRequest.ANY));
        }
        Map<Member, Integer> counts = Members.count(wrapped, four, PICKS);
        assertThat(counts.values()).containsOnly(PICKS / 4);
    }

    @Test
    void rampingMemberAtShareOne_getsExactlyItsNormalTraffic() {
        List<Member> four = Members.equal(4);
        Balancer b = Balancer.slowStart(Balancer.roundRobin(), firstRamps(four, 1.0), NO_RANDOM);

        Map<Member, Integer> counts = Members.count(b, four, PICKS);

        assertThat(counts).hasSize(4);
        assertThat(counts.values()).containsOnly(PICKS / 4);
    }

    /**
     * With round robin, a ramping member at share {@code s} is offered for a share {@code s} of the
     * picks and then gets its turn: {@code s} times the traffic round robin would give it
     * ({@code s / n} of all), and the members at full share split the rest evenly. Tolerance: 10 %
     * of the expected count for the ramping member, 3 % for the others.
     */
    @ParameterizedTest(name = "share {0}")
    @CsvSource({"0.1", "0.25", "0.5", "0.75", "0.9"})
    void rampingMember_withRoundRobin_getsShareTimesItsNormalTraffic_andTheOthersStayEven(double share) {
        List<Member> four = Members.equal(4);
        Balancer b = Balancer.slowStart(Balancer.roundRobin(), firstRamps(four, share), new SplittableRandom(SEED));

        Map<Member, Integer> counts = Members.count(b, four, PICKS);

        double ramping = share * PICKS / 4;
        double full = (PICKS - ramping) / 3;
        assertThat((double) counts.get(four.get(0))).isCloseTo(ramping, within(0.10 * ramping));
        for (Member m : four.subList(1, 4)) {
            assertThat((double) counts.get(m)).as(m.id()).isCloseTo(full, within(0.03 * full));
        }
    }

    /** With a stateless strategy (uniform random), the ramping member gets {@code s} times its normal traffic. */
    @ParameterizedTest(name = "share {0}")
    @CsvSource({"0.1", "0.25", "0.5", "0.75"})
    void rampingMember_withRandom_getsShareTimesItsNormalTraffic(double share) {
        List<Member> four = Members.equal(4);
        Balancer b = Balancer.slowStart(Balancer.random(new SplittableRandom(SEED + 1)), firstRamps(four, share),
                new SplittableRandom(SEED));

        Map<Member, Integer> counts = Members.count(b, four, PICKS);

        double normal = PICKS / 4.0;
        assertThat((double) counts.get(four.get(0))).isCloseTo(share * normal, within(0.10 * share * normal));
        double others = (PICKS - share * normal) / 3;
        for (Member m : four.subList(1, 4)) {
            assertThat((double) counts.get(m)).as(m.id()).isCloseTo(others, within(0.03 * others));
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void pick_withEveryStrategy_returnsACandidate_andTheRampingMemberGetsLessThanAlone(Strategy strategy) {
        List<Member> four = Members.equal(4);
        FakeClock clock = new FakeClock();
        Balancer inner = Balancers.create(strategy, HashConfig.DEFAULTS, clock, new SplittableRandom(SEED + 1));
        Balancer plain = Balancers.create(strategy, HashConfig.DEFAULTS, clock, new SplittableRandom(SEED + 1));
        Balancer b = Balancer.slowStart(inner, firstRamps(four, 0.2), new SplittableRandom(SEED));
        int ramped = 0;
        int alone = 0;

        for (int i = 0; i < 4000; i++) {
            TestRequest request = TestRequest.from("198.51.100." + (i % 256));
            Member picked = b.pick(four, request);
            assertThat(four).contains(picked);
            ramped += picked == four.get(0) ? 1 : 0;
            alone += plain.pick(four, request) == four.get(0) ? 1 : 0;
        }

        assertThat(ramped).isLessThan(alone);
    }

    @Test
    void pick_neverReturnsTheRampingMemberWithAVanishingShare_unlessItIsAlone() {
        List<Member> three = Members.equal(3);
        Balancer b = Balancer.slowStart(Balancer.roundRobin(), firstRamps(three, Double.MIN_VALUE),
                new SplittableRandom(SEED));

        Map<Member, Integer> counts = Members.count(b, three, 3000);

        assertThat(counts).doesNotContainKey(three.get(0));
        assertThat(counts.values()).containsOnly(1500);
    }

    /**
     * Two ramping members with round robin: each is offered with probability {@code s}, and shares
     * the pick with the others offered at the same time; same tolerances.
     */
    @Test
    void twoRampingMembers_withRoundRobin_eachGetAboutShareOfItsNormalTraffic() {
        List<Member> four = Members.equal(4);
        double share = 0.25;
        SlowStart ramp = m -> m == four.get(0) || m == four.get(1) ? share : 1.0;
        Balancer b = Balancer.slowStart(Balancer.roundRobin(), ramp, new SplittableRandom(SEED));

        Map<Member, Integer> counts = Members.count(b, four, PICKS);

        double ramping = PICKS * twoRampingFraction(share);
        double full = (PICKS - 2 * ramping) / 2;
        for (Member m : four.subList(0, 2)) {
            assertThat((double) counts.get(m)).as(m.id()).isCloseTo(ramping, within(0.10 * ramping));
        }
        for (Member m : four.subList(2, 4)) {
            assertThat((double) counts.get(m)).as(m.id()).isCloseTo(full, within(0.03 * full));
        }
    }

    /**
     * The fraction of all picks one of two ramping members (share {@code s}, among four) gets when
     * the strategy spreads evenly over what is offered: offered with probability {@code s}, then one
     * of four if the other ramping member is offered too, else one of three.
     */
    private static double twoRampingFraction(double s) {
        return s * (s / 4 + (1 - s) / 3);
    }

    /**
     * Two ramping members with random: neither takes the other's held-back picks at its full share.
     * Tolerance: 10 % of the expected count.
     */
    @Test
    void twoRampingMembers_withRandom_eachGetAboutShareOfItsNormalTraffic() {
        List<Member> four = Members.equal(4);
        double share = 0.25;
        SlowStart ramp = m -> m == four.get(0) || m == four.get(1) ? share : 1.0;
        Balancer b = Balancer.slowStart(Balancer.random(new SplittableRandom(SEED + 1)), ramp,
                new SplittableRandom(SEED));

        Map<Member, Integer> counts = Members.count(b, four, PICKS);

        double ramping = PICKS * twoRampingFraction(share);
        for (Member m : four.subList(0, 2)) {
            assertThat((double) counts.get(m)).as(m.id()).isCloseTo(ramping, within(0.10 * ramping));
        }
    }

    @Test
    void consistentHash_keysOfMembersAtFullShare_stayWithTheirMember() {
        List<Member> four = Members.equal(4);
        Balancer plain = Balancer.consistentHash(HashConfig.DEFAULTS);
        Balancer b = Balancer.slowStart(Balancer.consistentHash(HashConfig.DEFAULTS), firstRamps(four, 0.25),
                new SplittableRandom(SEED));
        int rampingKeys = 0;
        int keptByRamping = 0;

        for (int i = 0; i < 4000; i++) {
            TestRequest request = TestRequest.from("198.51." + (i >> 8) + "." + (i & 0xff));
            Member owner = plain.pick(four, request);
            Member picked = b.pick(four, request);
            if (owner != four.get(0)) {
                assertThat(picked).isSameAs(owner);
            } else {
                rampingKeys++;
                keptByRamping += picked == owner ? 1 : 0;
            }
        }

        assertThat(rampingKeys).isPositive();
        assertThat((double) keptByRamping).isCloseTo(0.25 * rampingKeys, within(0.25 * 0.25 * rampingKeys));
    }

    // ---------------------------------------------------------------- with the pool's health

    @Test
    void joiner_rampsUpWithThePoolsClock_andThenTakesExactlyItsShare() {
        FakeClock clock = new FakeClock();
        PoolHealth health = PoolHealth.create("web",
                new HealthConfig(null, null, new SlowStartConfig(Duration.ofSeconds(10), 10), PanicConfig.DEFAULTS),
                clock::nanoTime);
        List<Member> four = Members.equal(4);
        health.members(four.subList(1, 4));
        health.members(four); // 10.0.0.1 joins a running pool
        Balancer b = Balancer.slowStart(Balancer.roundRobin(), health, new SplittableRandom(SEED));
        List<Double> ratios = new ArrayList<>();

        for (int second = 0; second < 10; second += 3) {
            Map<Member, Integer> counts = Members.count(b, four, PICKS);
            double fullMean = (counts.get(four.get(1)) + counts.get(four.get(2)) + counts.get(four.get(3))) / 3.0;
            ratios.add(counts.get(four.get(0)) / fullMean);
            clock.advance(3, TimeUnit.SECONDS);
        }
        clock.advance(1, TimeUnit.SECONDS); // 13 s: over

        assertThat(ratios).hasSize(4);
        double[] shares = {0.1, 0.37, 0.64, 0.91}; // at 0, 3, 6 and 9 s
        for (int i = 0; i < shares.length; i++) {
            // s/4 of the picks against (1 - s/4)/3 for each full member.
            double expected = 3 * shares[i] / (4 - shares[i]);
            assertThat(ratios.get(i)).as("at %d s", 3 * i).isCloseTo(expected, within(0.1 * expected));
        }
        assertThat(Members.count(b, four, PICKS).values()).containsOnly(PICKS / 4);
    }
}
