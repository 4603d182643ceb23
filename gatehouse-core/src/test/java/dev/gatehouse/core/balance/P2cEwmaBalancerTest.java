package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.time.FakeClock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class P2cEwmaBalancerTest {

    private final FakeClock clock = new FakeClock();

    /** A request in flight in a simulation: who serves it and when it finishes. */
    private record Running(Member member, long latencyNanos, long dueNanos) {
    }

    /**
     * Sends one request per millisecond for {@code seconds}; each member serves a request in its
     * fixed latency and reports it through started/finished, as the data plane's tickets do.
     */
    private Map<Member, Integer> simulate(Balancer balancer, List<Member> members, Map<Member, Long> latencyMillis, int seconds) {
        PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos(), b.dueNanos()));
        Map<Member, Integer> counts = new HashMap<>();
        for (int ms = 0; ms < seconds * 1_000; ms++) {
            clock.advance(1, TimeUnit.MILLISECONDS);
            long now = clock.nanoTime();
            while (!running.isEmpty() && running.peek().dueNanos() <= now) {
                Running done = running.poll();
                done.member().load().finished(done.latencyNanos(), now);
            }
            Member m = balancer.pick(members, TestRequest.ANY);
            m.load().started();
            long latency = TimeUnit.MILLISECONDS.toNanos(latencyMillis.get(m));
            running.add(new Running(m, latency, now + latency));
            counts.merge(m, 1, Integer::sum);
        }
        return counts;
    }

    /** Measures a member's latency once, through a request that starts and finishes. */
    private void measure(Member m, long millis) {
        m.load().started();
        clock.advance(millis, TimeUnit.MILLISECONDS);
        m.load().finished(TimeUnit.MILLISECONDS.toNanos(millis), clock.nanoTime());
    }

    @Test
    void pick_prefersAFastMemberOverASlowOne_atLeast95Percent() {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> members = Members.equal(2);
        Member fast = members.get(0);
        Member slow = members.get(1);
        Map<Member, Integer> counts = simulate(p2c, members, Map.of(fast, 5L, slow, 50L), 20);
        // 20,000 requests; the slow member gets the first few and an occasional probe once its
        // latency average has decayed below the fast one's cost
        assertThat(counts.get(fast) / 20_000.0).isGreaterThan(0.95);
        assertThat(counts.get(slow)).isPositive();
    }

    @Test
    void pick_amongThreeFastAndOneSlow_sendsTheSlowOneAtMost5Percent() {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> members = Members.equal(4);
        Map<Member, Long> latency = Map.of(members.get(0), 5L, members.get(1), 5L, members.get(2), 5L, members.get(3), 50L);
        Map<Member, Integer> counts = simulate(p2c, members, latency, 20);
        assertThat(counts.getOrDefault(members.get(3), 0) / 20_000.0).isLessThan(0.05);
    }

    @Test
    void pick_whenTheFastMemberHasManyInFlight_prefersTheIdleSlowOne() {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> members = Members.equal(2);
        Member fast = members.get(0);
        Member slow = members.get(1);
        measure(fast, 5);
        measure(slow, 50);
        assertThat(p2c.pick(members, TestRequest.ANY)).isSameAs(fast);
        // (20 + 1) * 5 ms = 105 against (0 + 1) * 50 ms = 50
        Members.load(fast, 20);
        for (int i = 0; i < 100; i++) {
            assertThat(p2c.pick(members, TestRequest.ANY)).isSameAs(slow);
        }
    }

    @Test
    void pick_afterASlowMemberIdledLong_probesItAgain() {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> members = Members.equal(2);
        Member fast = members.get(0);
        Member slow = members.get(1);
        measure(slow, 50);
        measure(fast, 5);
        // Both idle: 5 ms against 50 ms (capped at 1.9 x 5 = 9.5 ms)
        assertThat(p2c.pick(members, TestRequest.ANY)).isSameAs(fast);
        clock.advance(30, TimeUnit.SECONDS);
        measure(fast, 5);
        // 50 ms decayed over 30 s idle with a 10 s time constant: 50 * e^-3 = 2.5 ms
        assertThat(p2c.pick(members, TestRequest.ANY)).isSameAs(slow);
    }

    @Test
    void pick_withEqualLatencyAndLoad_prefersTheHeavierMember() {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> members = Members.weighted(1, 3);
        measure(members.get(0), 10);
        measure(members.get(1), 10);
        Members.load(members.get(0), 2);
        Members.load(members.get(1), 2);
        assertThat(p2c.pick(members, TestRequest.ANY)).isSameAs(members.get(1));
    }

    @Test
    void pick_withEqualCosts_choosesBothAboutEvenly() {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> members = Members.equal(2);
        Map<Member, Integer> counts = Members.count(p2c, members, 10_000);
        assertThat(counts.get(members.get(0))).isBetween(4_700, 5_300);
    }

    @Test
    void pick_drawsEveryMemberOfALargePool() {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> members = Members.equal(10);
        assertThat(Members.count(p2c, members, 2_000)).containsOnlyKeys(members);
    }

    @Test
    void sequentialRequests_toBackendsWithinTheBand_spreadEvenly() {
        List<Member> members = Members.equal(3);
        // One request at a time, as a new user tries a node: 4 and 5 ms are equally fast.
        Map<Member, Integer> counts = sequential(members, 4L, 5L, 5L);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(70, 130));
    }

    @Test
    void sequentialRequests_avoidABackendClearlySlowerThanTheBand() {
        List<Member> members = Members.equal(3);
        Map<Member, Integer> counts = sequential(members, 5L, 5L, 20L);
        assertThat(counts.getOrDefault(members.get(2), 0)).isLessThan(10);
        assertThat(counts.get(members.get(0))).isBetween(100, 200);
    }

    /** Sends 300 requests one at a time; member i answers in {@code millis[i]}. Counts per member. */
    private Map<Member, Integer> sequential(List<Member> members, long... millis) {
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        Map<Member, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            Member m = p2c.pick(members, TestRequest.ANY);
            measure(m, millis[members.indexOf(m)]);
            counts.merge(m, 1, Integer::sum);
        }
        return counts;
    }
}
