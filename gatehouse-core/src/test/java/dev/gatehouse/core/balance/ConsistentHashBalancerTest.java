package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatehouse.core.config.HashConfig;
import dev.gatehouse.core.config.HashConfig.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ConsistentHashBalancerTest {

    private static final int KEYS = 10_000;

    private static TestRequest client(int i) {
        return TestRequest.from("198.51." + (i >> 8) + "." + (i & 0xff));
    }

    private static Map<Integer, String> assign(Balancer balancer, List<Member> members) {
        Map<Integer, String> owners = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            owners.put(i, balancer.pick(members, client(i)).id());
        }
        return owners;
    }

    @Test
    void pick_forTheSameKey_alwaysReturnsTheSameMember_evenForANewListOfTheSameMembers() {
        Balancer ch = Balancer.consistentHash(HashConfig.DEFAULTS);
        List<Member> members = Members.equal(4);
        Map<Integer, String> first = assign(ch, members);
        assertThat(assign(ch, members)).isEqualTo(first);
        assertThat(assign(ch, new ArrayList<>(members.reversed()))).isEqualTo(first);
        // a new balancer (another node, a restart) agrees: the ring depends only on ids and weights
        assertThat(assign(Balancer.consistentHash(HashConfig.DEFAULTS), members)).isEqualTo(first);
    }

    @Test
    void pick_withWeights_givesSharesInProportionWithinTwoPercentagePoints() {
        Balancer ch = Balancer.consistentHash(HashConfig.DEFAULTS);
        List<Member> members = Members.weighted(1, 2, 3, 4);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100_000; i++) {
            counts.merge(ch.pick(members, client(i)).id(), 1, Integer::sum);
        }
        for (Member m : members) {
            assertThat(counts.get(m.id()) / 100_000.0).as("%s", m).isCloseTo(m.weight() / 10.0, within(0.02));
        }
    }

    @Test
    void pick_afterAFifthMemberJoins_movesAboutAFifthOfTheKeys_allToIt() {
        Balancer ch = Balancer.consistentHash(HashConfig.DEFAULTS);
        List<Member> five = Members.equal(5);
        Map<Integer, String> before = assign(ch, five.subList(0, 4));
        Map<Integer, String> after = assign(ch, five);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            if (!before.get(i).equals(after.get(i))) {
                moved++;
                assertThat(after.get(i)).isEqualTo(five.get(4).id());
            }
        }
        assertThat(moved / (double) KEYS).isBetween(0.15, 0.25);
    }

    @Test
    void pick_afterAMemberLeaves_movesOnlyItsKeys() {
        Balancer ch = Balancer.consistentHash(HashConfig.DEFAULTS);
        List<Member> four = Members.equal(4);
        Member leaving = four.get(2);
        Map<Integer, String> before = assign(ch, four);
        Map<Integer, String> after = assign(ch, four.stream().filter(m -> m != leaving).toList());
        for (int i = 0; i < KEYS; i++) {
            if (before.get(i).equals(leaving.id())) {
                assertThat(after.get(i)).isNotEqualTo(leaving.id());
            } else {
                assertThat(after.get(i)).as("key %d", i).isEqualTo(before.get(i));
            }
        }
    }

    @Test
    void key_comesFromTheConfiguredSource() {
        TestRequest request = TestRequest.from("203.0.113.9").withPath("/cart")
                .withHeader("X-User", "alice").withHeader("Cookie", "theme=dark; session=\"s-123\"");
        assertThat(new ConsistentHashBalancer(HashConfig.DEFAULTS).key(request)).isEqualTo("203.0.113.9");
        assertThat(new ConsistentHashBalancer(new HashConfig(Source.HEADER, "x-user", 0)).key(request)).isEqualTo("alice");
        assertThat(new ConsistentHashBalancer(new HashConfig(Source.COOKIE, "session", 0)).key(request)).isEqualTo("s-123");
        assertThat(new ConsistentHashBalancer(new HashConfig(Source.PATH, null, 0)).key(request)).isEqualTo("/cart");
    }

    @Test
    void pick_byHeader_followsTheHeaderWhateverTheClient() {
        Balancer ch = Balancer.consistentHash(new HashConfig(Source.HEADER, "X-User", 0));
        List<Member> members = Members.equal(4);
        HashSet<String> used = new HashSet<>();
        for (int user = 0; user < 100; user++) {
            Member first = ch.pick(members, client(0).withHeader("X-User", "user-" + user));
            for (int c = 1; c < 20; c++) {
                assertThat(ch.pick(members, client(c).withHeader("X-User", "user-" + user))).isSameAs(first);
            }
            used.add(first.id());
        }
        assertThat(used).hasSize(4);
    }

    @Test
    void pick_byCookie_followsTheCookieWhateverTheClient() {
        Balancer ch = Balancer.consistentHash(new HashConfig(Source.COOKIE, "session", 0));
        List<Member> members = Members.equal(4);
        HashSet<String> used = new HashSet<>();
        for (int s = 0; s < 100; s++) {
            Member first = ch.pick(members, client(0).withHeader("Cookie", "session=" + s));
            assertThat(ch.pick(members, client(99).withHeader("Cookie", "a=b; session=" + s + "; c=d"))).isSameAs(first);
            used.add(first.id());
        }
        assertThat(used).hasSize(4);
    }

    @Test
    void pick_byPath_followsThePathWhateverTheClient() {
        Balancer ch = Balancer.consistentHash(new HashConfig(Source.PATH, null, 0));
        List<Member> members = Members.equal(4);
        HashSet<String> used = new HashSet<>();
        for (int p = 0; p < 100; p++) {
            Member first = ch.pick(members, client(0).withPath("/item/" + p));
            assertThat(ch.pick(members, client(7).withPath("/item/" + p))).isSameAs(first);
            used.add(first.id());
        }
        assertThat(used).hasSize(4);
    }

    @Test
    void pick_whenTheKeyIsMissing_fallsBackToTheClientAddress() {
        Balancer byIp = Balancer.consistentHash(HashConfig.DEFAULTS);
        Balancer byHeader = Balancer.consistentHash(new HashConfig(Source.HEADER, "X-User", 0));
        Balancer byCookie = Balancer.consistentHash(new HashConfig(Source.COOKIE, "session", 0));
        List<Member> members = Members.equal(4);
        for (int i = 0; i < 1_000; i++) {
            Member expected = byIp.pick(members, client(i));
            assertThat(byHeader.pick(members, client(i))).isSameAs(expected);
            assertThat(byCookie.pick(members, client(i).withHeader("Cookie", "other=1"))).isSameAs(expected);
        }
    }

    @Test
    void pick_withBoundedLoad_spillsAnOverloadedMembersKeysToTheNextMemberClockwise() {
        HashConfig bounded = new HashConfig(Source.CLIENT_IP, null, 1.25);
        Balancer ch = Balancer.consistentHash(bounded);
        Balancer plain = Balancer.consistentHash(HashConfig.DEFAULTS);
        List<Member> four = Members.equal(4);
        Member hot = four.get(0);
        List<Member> withoutHot = four.subList(1, 4);
        Members.load(hot, 100);
        // 101 in flight of (100 + 1) over 4: the bound is ceil(1.25 * 101 / 4) = 32
        int spilled = 0;
        for (int i = 0; i < KEYS; i++) {
            Member home = plain.pick(four, client(i));
            Member picked = ch.pick(four, client(i));
            if (home == hot) {
                spilled++;
                // next clockwise among the others is where the key goes once the hot member is gone
                assertThat(picked).isSameAs(plain.pick(withoutHot, client(i)));
            } else {
                assertThat(picked).isSameAs(home);
            }
        }
        assertThat(spilled).isGreaterThan(KEYS / 8);
    }

    @Test
    void pick_withBoundedLoad_neverLetsAMemberExceedTheBound() {
        double c = 1.25;
        Balancer ch = Balancer.consistentHash(new HashConfig(Source.HEADER, "X-User", c));
        List<Member> members = Members.equal(4);
        Members.load(members.get(1), 10);
        int total = 10;
        for (int i = 0; i < 2_000; i++) {
            // a few hot keys: without the bound they would pile onto one or two members
            Member m = ch.pick(members, client(i).withHeader("X-User", "hot-" + (i % 3)));
            long bound = (long) Math.ceil(c * (total + 1) / members.size());
            assertThat(m.load().inFlight() + 1).as("pick %d", i).isLessThanOrEqualTo((int) bound);
            m.load().started();
            total++;
        }
        long finalBound = (long) Math.ceil(c * total / members.size());
        assertThat(members).allSatisfy(m -> assertThat((long) m.load().inFlight()).isLessThanOrEqualTo(finalBound));
    }
}
