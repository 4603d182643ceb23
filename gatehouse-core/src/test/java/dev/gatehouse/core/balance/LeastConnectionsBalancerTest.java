package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class LeastConnectionsBalancerTest {

    private static double ratio(Member m) {
        return m.load().inFlight() / (double) m.weight();
    }

    @Test
    void pick_alwaysReturnsAMemberWithTheLowestInFlightPerWeight() {
        Random setup = new Random(1);
        Balancer lc = Balancer.leastConnections(new Random(42));
        for (int trial = 0; trial < 2_000; trial++) {
            List<Member> members = Members.weighted(1 + setup.nextInt(4), 1 + setup.nextInt(4), 1 + setup.nextInt(4), 1 + setup.nextInt(4));
            for (Member m : members) {
                Members.load(m, setup.nextInt(8));
            }
            double min = members.stream().mapToDouble(LeastConnectionsBalancerTest::ratio).min().orElseThrow();
            assertThat(ratio(lc.pick(members, TestRequest.ANY))).as("trial %d: %s", trial, members).isEqualTo(min);
        }
    }

    @Test
    void pick_comparesInFlightRelativeToWeight() {
        Balancer lc = Balancer.leastConnections(new Random(42));
        List<Member> members = Members.weighted(1, 4);
        Members.load(members.get(0), 1);
        Members.load(members.get(1), 3);
        // 1/1 against 3/4: the heavier member, though it has more in flight
        assertThat(lc.pick(members, TestRequest.ANY)).isSameAs(members.get(1));
    }

    @Test
    void pick_amongTiedMembers_spreadsEvenlyWithinOnePercentagePoint() {
        Balancer lc = Balancer.leastConnections(new Random(42));
        List<Member> members = Members.weighted(1, 2, 3, 4);
        // all idle: every member ties at 0 in flight
        Map<Member, Integer> counts = Members.count(lc, members, 100_000);
        for (Member m : members) {
            assertThat(counts.get(m) / 100_000.0).as("%s", m).isCloseTo(0.25, within(0.01));
        }
    }

    @Test
    void pick_underSteadyLoad_sendsTrafficInProportionToWeight() {
        Balancer lc = Balancer.leastConnections(new Random(42));
        List<Member> members = Members.weighted(1, 2, 3, 4);
        // 100 requests in flight; each pick starts one and the oldest finishes (first in, first out)
        ArrayDeque<Member> inFlight = new ArrayDeque<>();
        Map<Member, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            Member m = lc.pick(members, TestRequest.ANY);
            m.load().started();
            inFlight.add(m);
            counts.merge(m, 1, Integer::sum);
            if (inFlight.size() > 100) {
                inFlight.poll().load().finished(-1, 0);
            }
        }
        for (Member m : members) {
            assertThat(counts.get(m) / 100_000.0).as("%s", m).isCloseTo(m.weight() / 10.0, within(0.02));
            assertThat(m.load().inFlight()).as("%s", m).isBetween(10 * m.weight() - 2, 10 * m.weight() + 2);
        }
    }
}
