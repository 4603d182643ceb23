package dev.gatehouse.core.health;

import static dev.gatehouse.core.health.HealthFixtures.members;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.admission.Admit;
import dev.gatehouse.core.admission.Outcome;
import dev.gatehouse.core.admission.PoolAdmission;
import dev.gatehouse.core.admission.Ticket;
import dev.gatehouse.core.admission.Waiter;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.balance.SlowStart;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.QueueConfig;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Slow start in admission control ({@link PoolAdmission#create(AdmissionConfig,
 * dev.gatehouse.core.time.Clock, SlowStart)}): a ramping backend's limit is scaled by its share,
 * rounded up, and is at least 1.
 */
final class SlowStartAdmissionTest {

    private static final Balancer FIRST = (candidates, context) -> candidates.isEmpty() ? null : candidates.get(0);
    private static final Waiter NOBODY = ticket -> {
        throw new AssertionError("no request was queued");
    };
    private static final PickContext GET = new PickContext() {
        @Override
        public String clientAddress() {
            return "203.0.113.9";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public String header(String name) {
            return null;
        }
    };

    private final FakeClock clock = new FakeClock();

    private static AdmissionConfig fixed(int concurrency, int queueMax) {
        return new AdmissionConfig(concurrency, null, new QueueConfig(queueMax, Duration.ofSeconds(5)), null);
    }

    /** A share each test sets by hand. */
    private static final class Share implements SlowStart {
        volatile double value;
        final Member of;

        Share(Member of, double value) {
            this.of = of;
            this.value = value;
        }

        @Override
        public double share(Member member) {
            return member.load() == of.load() ? value : 1.0;
        }
    }

    /** Admits until the first rejection (no queue); returns the tickets granted. */
    private static List<Ticket> fill(PoolAdmission pool, List<Member> candidates) {
        List<Ticket> tickets = new ArrayList<>();
        while (pool.admit(candidates, FIRST, GET, null, NOBODY) instanceof Admit.Granted g) {
            tickets.add(g.ticket());
            if (tickets.size() > 1000) {
                throw new AssertionError("no limit");
            }
        }
        return tickets;
    }

    @ParameterizedTest(name = "backend_concurrency {0} at share {1}: {2} slots")
    @CsvSource({
            "10, 1.0, 10",
            "10, 0.25, 3",      // 2.5 rounded up
            "10, 0.5, 5",
            "10, 0.75, 8",
            "10, 0.125, 2",
            "10, 0.01, 1",      // at least 1
            "10, 0.000001, 1",
            "1, 0.1, 1",
            "100, 0.37, 37",
            "100, 0.999, 100"
    })
    void rampingBackend_getsItsLimitScaledByItsShare_roundedUp_atLeastOne(int concurrency, double share, int slots) {
        List<Member> one = members(1);
        PoolAdmission pool = PoolAdmission.create(fixed(concurrency, 0), clock, new Share(one.get(0), share));

        List<Ticket> tickets = fill(pool, one);

        assertThat(tickets).hasSize(slots);
        assertThat(pool.inFlight(one.get(0))).isEqualTo(slots);
        assertThat(pool.rejectedTotal()).isEqualTo(1);
    }

    @Test
    void onlyTheRampingBackendIsScaled() {
        List<Member> two = members(2);
        PoolAdmission pool = PoolAdmission.create(fixed(10, 0), clock, new Share(two.get(1), 0.25));

        List<Ticket> tickets = fill(pool, two);

        assertThat(tickets).hasSize(13);
        assertThat(pool.inFlight(two.get(0))).isEqualTo(10);
        assertThat(pool.inFlight(two.get(1))).isEqualTo(3);
    }

    @Test
    void withoutLimits_theShareChangesNothing() {
        List<Member> one = members(1);
        PoolAdmission pool = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock, new Share(one.get(0), 0.01));

        for (int i = 0; i < 100; i++) {
            assertThat(pool.admit(one, FIRST, GET, null, NOBODY)).isInstanceOf(Admit.Granted.class);
        }
    }

    @Test
    void growingShare_opensSlots_andAFallingOneClosesThemAsTicketsAreReleased() {
        List<Member> one = members(1);
        Share share = new Share(one.get(0), 0.25);
        PoolAdmission pool = PoolAdmission.create(fixed(10, 0), clock, share);
        List<Ticket> held = new ArrayList<>(fill(pool, one));
        assertThat(held).hasSize(3);

        share.value = 0.6;
        held.addAll(fill(pool, one));
        assertThat(held).hasSize(6);

        share.value = 0.2; // the limit is 2 now, 6 are held: no slot until 4 are released
        for (int i = 0; i < 4; i++) {
            held.remove(0).release(1_000_000, Outcome.SUCCESS);
            assertThat(fill(pool, one)).isEmpty();
        }
        held.remove(0).release(1_000_000, Outcome.SUCCESS);
        assertThat(fill(pool, one)).hasSize(1);
    }

    @Test
    void queuedRequests_areGrantedTheSlotsAGrowingShareOpened_atTheNextRelease() {
        List<Member> one = members(1);
        Share share = new Share(one.get(0), 0.25);
        PoolAdmission pool = PoolAdmission.create(fixed(10, 100), clock, share);
        List<Ticket> held = new ArrayList<>();
        List<Ticket> granted = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Admit admit = pool.admit(one, FIRST, GET, null, granted::add);
            if (admit instanceof Admit.Granted g) {
                held.add(g.ticket());
            }
        }
        assertThat(held).hasSize(3);
        assertThat(pool.queueLength()).isEqualTo(5);

        share.value = 0.5;
        held.get(0).release(1_000_000, Outcome.SUCCESS);

        assertThat(granted).hasSize(3); // 5 slots, 2 still held
        assertThat(pool.queueLength()).isEqualTo(2);
    }

    @Test
    void joinerOfAPoolWithSlowStart_getsMoreSlotsAsItRamps() {
        // PoolHealth is the SlowStart: a 10 s ramp from 10 %, backend_concurrency 10.
        List<Member> initial = members(1);
        PoolHealth health = PoolHealth.create("web",
                new HealthConfig(null, null, HealthFixtures.RAMP, PanicConfig.DEFAULTS), clock);
        health.members(initial);
        Member joiner = HealthFixtures.member(2);
        health.members(List.of(initial.get(0), joiner));
        List<Member> justTheJoiner = List.of(joiner);
        PoolAdmission pool = PoolAdmission.create(fixed(10, 0), clock, health);
        List<Integer> slots = new ArrayList<>();

        for (int second = 0; second <= 10; second += 5) {
            List<Ticket> tickets = fill(pool, justTheJoiner);
            slots.add(tickets.size());
            tickets.forEach(t -> t.release(1_000_000, Outcome.SUCCESS));
            clock.advanceSeconds(5);
        }

        assertThat(slots).containsExactly(1, 6, 10); // shares 0.1, 0.55, 1
    }
}
