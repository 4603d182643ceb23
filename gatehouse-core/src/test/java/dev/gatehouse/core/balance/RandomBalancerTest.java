package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class RandomBalancerTest {

    @Test
    void pick_overManyPicks_followsTheWeightsWithinHalfAPercentagePoint() {
        Balancer random = Balancer.random(new Random(42));
        List<Member> members = Members.weighted(1, 2, 3, 4);
        int picks = 100_000;
        Map<Member, Integer> counts = Members.count(random, members, picks);
        // standard deviation of a share p over 100k draws is at most 0.16 points: 0.5 is > 3 sigma
        for (Member m : members) {
            assertThat(counts.get(m) / (double) picks).as("%s", m).isCloseTo(m.weight() / 10.0, within(0.005));
        }
    }

    @Test
    void pick_withEqualWeights_reachesEveryMember() {
        Balancer random = Balancer.random(new Random(7));
        List<Member> members = Members.equal(5);
        assertThat(Members.count(random, members, 1_000)).containsOnlyKeys(members);
    }
}
