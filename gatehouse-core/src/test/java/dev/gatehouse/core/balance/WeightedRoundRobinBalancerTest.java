package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class WeightedRoundRobinBalancerTest {

    private static List<Member> picks(Balancer balancer, List<Member> candidates, int n) {
        List<Member> picks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            picks.add(balancer.pick(candidates, TestRequest.ANY));
        }
        return picks;
    }

    private static long countOf(List<Member> picks, Member m) {
        return picks.stream().filter(p -> p == m).count();
    }

    @Test
    void pick_overEveryWindowOfTotalWeight_givesEachMemberExactlyItsWeight() {
        Balancer wrr = Balancer.weightedRoundRobin();
        List<Member> members = Members.weighted(1, 2, 3, 4);
        List<Member> picks = picks(wrr, members, 100_000);
        // the sequence has period 10 and every window of 10 consecutive picks, not only aligned
        // cycles, holds each member exactly weight times
        for (int start = 0; start + 10 <= picks.size(); start += 7) {
            List<Member> window = picks.subList(start, start + 10);
            for (Member m : members) {
                assertThat(countOf(window, m)).as("window at %d, %s", start, m).isEqualTo(m.weight());
            }
        }
        for (Member m : members) {
            assertThat(countOf(picks, m)).isEqualTo(10_000L * m.weight());
        }
    }

    @Test
    void pick_isSmooth_everyMemberComesBackWithinTotalOverWeightPicks_andNoneRunsMoreThanTwice() {
        Balancer wrr = Balancer.weightedRoundRobin();
        List<Member> members = Members.weighted(1, 2, 3, 4);
        List<Member> picks = picks(wrr, members, 1_000);
        // weights 1, 2, 3, 4 give the cycle 4 3 2 4 1 3 4 2 3 4: a member of weight w is picked again
        // at most ceil(10 / w) picks later; only at the cycle's wrap does the heaviest repeat (4 4)
        for (Member m : members) {
            int limit = (10 + m.weight() - 1) / m.weight();
            int last = -1;
            for (int i = 0; i < picks.size(); i++) {
                if (picks.get(i) == m) {
                    assertThat(i - last).as("%s at pick %d", m, i).isLessThanOrEqualTo(limit);
                    last = i;
                }
            }
        }
        for (int i = 2; i < picks.size(); i++) {
            assertThat(picks.get(i) == picks.get(i - 1) && picks.get(i) == picks.get(i - 2)).as("pick %d", i).isFalse();
        }
        assertThat(picks.subList(0, 10)).containsExactly(members.get(3), members.get(2), members.get(1), members.get(3),
                members.get(0), members.get(2), members.get(3), members.get(1), members.get(2), members.get(3));
    }

    @Test
    void pick_withOneHeavyMember_interleavesTheLightOnes() {
        Balancer wrr = Balancer.weightedRoundRobin();
        List<Member> m = Members.weighted(5, 1, 1);
        // nginx's example sequence for weights 5, 1, 1
        assertThat(picks(wrr, m, 7)).containsExactly(m.get(0), m.get(0), m.get(1), m.get(0), m.get(2), m.get(0), m.get(0));
    }

    @Test
    void pick_afterAWeightChange_followsTheNewWeights() {
        Balancer wrr = Balancer.weightedRoundRobin();
        List<Member> before = Members.weighted(1, 1);
        picks(wrr, before, 101);
        List<Member> after = List.of(Members.reweighted(before.get(0), 3), before.get(1));
        List<Member> picks = picks(wrr, after, 4_000);
        assertThat(countOf(picks, after.get(0))).isBetween(2_999L, 3_001L);
        assertThat(countOf(picks, after.get(1))).isBetween(999L, 1_001L);
    }

    @Test
    void pick_whenAMemberLeavesAndJoins_keepsProportionsOfTheCurrentMembers() {
        Balancer wrr = Balancer.weightedRoundRobin();
        List<Member> all = Members.weighted(1, 2, 3, 4);
        picks(wrr, all, 13);
        List<Member> three = List.of(all.get(0), all.get(1), all.get(3));
        Map<Member, Integer> counts = Members.count(wrr, three, 7_000);
        assertThat(counts).containsOnlyKeys(three);
        assertThat(counts.get(all.get(3))).isBetween(3_999, 4_001);
        assertThat(counts.get(all.get(0))).isBetween(999, 1_001);
        Map<Member, Integer> again = Members.count(wrr, all, 10_000);
        assertThat(again.get(all.get(2))).isBetween(2_999, 3_001);
    }
}
