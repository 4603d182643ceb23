package dev.gatehouse.core.admission;

import static dev.gatehouse.core.admission.Fixtures.FIRST;
import static dev.gatehouse.core.admission.Fixtures.GET;
import static dev.gatehouse.core.admission.Fixtures.fixed;
import static dev.gatehouse.core.admission.Fixtures.granted;
import static dev.gatehouse.core.admission.Fixtures.members;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.admission.Fixtures.RecordingWaiter;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.time.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class PoolAdmissionTest {

    private final FakeClock clock = new FakeClock();

    // ---------------------------------------------------------------- unlimited

    @Test
    void admit_withoutLimits_grantsEveryRequestAndCountsItInFlight() {
        PoolAdmission pool = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock);
        List<Member> two = members(2);
        List<Ticket> tickets = new ArrayList<>();
        Balancer rr = Balancer.roundRobin();
        for (int i = 0; i < 100; i++) {
            tickets.add(granted(pool.admit(two, rr, GET, null, new RecordingWaiter("w" + i))));
        }
        assertThat(pool.inFlight(two.get(0))).isEqualTo(50);
        assertThat(pool.inFlight(two.get(1))).isEqualTo(50);
        assertThat(pool.limit(two.get(0))).isZero();
        tickets.forEach(t -> t.release(1_000_000, Outcome.SUCCESS));
        assertThat(pool.inFlight(two.get(0))).isZero();
        assertThat(pool.inFlight(two.get(1))).isZero();
    }

    @Test
    void release_withoutLimits_secondReleaseHasNoEffect() {
        PoolAdmission pool = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock);
        List<Member> one = members(1);
        Ticket a = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("a")));
        granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("b")));
        a.release(5_000_000, Outcome.SUCCESS);
        a.release(5_000_000, Outcome.SUCCESS);
        a.release(-1, Outcome.FAILURE);
        assertThat(pool.inFlight(one.get(0))).isEqualTo(1);
    }

    @Test
    void admit_withoutLimits_takesThePinnedMemberOrIgnoresAPinFromElsewhere() {
        PoolAdmission pool = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock);
        List<Member> three = members(3);
        assertThat(granted(pool.admit(three, FIRST, GET, three.get(2), null)).member()).isSameAs(three.get(2));
        Member stranger = members(1).get(0);
        assertThat(granted(pool.admit(three, FIRST, GET, stranger, null)).member()).isSameAs(three.get(0));
    }

    @Test
    void admit_withNoCandidates_isRejected() {
        assertThat(PoolAdmission.create(AdmissionConfig.UNLIMITED, clock).admit(List.of(), FIRST, GET, null, null))
                .isInstanceOf(Admit.Rejected.class);
        PoolAdmission limited = PoolAdmission.create(fixed(1, 10), clock);
        assertThat(limited.admit(List.of(), FIRST, GET, null, new RecordingWaiter("a"))).isInstanceOf(Admit.Rejected.class);
        assertThat(limited.rejectedTotal()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- fixed limit and queue

    @Test
    void admit_atTheLimitOfEveryMember_queues() {
        PoolAdmission pool = PoolAdmission.create(fixed(2, 10), clock);
        List<Member> two = members(2);
        for (int i = 0; i < 4; i++) {
            granted(pool.admit(two, Balancer.roundRobin(), GET, null, new RecordingWaiter("g" + i)));
        }
        assertThat(pool.inFlight(two.get(0))).isEqualTo(2);
        assertThat(pool.inFlight(two.get(1))).isEqualTo(2);
        assertThat(pool.admit(two, Balancer.roundRobin(), GET, null, new RecordingWaiter("q"))).isInstanceOf(Admit.Queued.class);
        assertThat(pool.queueLength()).isEqualTo(1);
        assertThat(pool.queuedTotal()).isEqualTo(1);
        assertThat(pool.limit(two.get(0))).isEqualTo(2);
    }

    @Test
    void release_grantsTheQueueInFifoOrder() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 100), clock);
        List<Member> one = members(1);
        Ticket running = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("first")));
        List<RecordingWaiter> waiters = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RecordingWaiter w = new RecordingWaiter("w" + i);
            waiters.add(w);
            assertThat(pool.admit(one, FIRST, GET, null, w)).isInstanceOf(Admit.Queued.class);
        }
        List<String> order = new ArrayList<>();
        Ticket current = running;
        for (int i = 0; i < 20; i++) {
            clock.advanceMillis(10);
            current.release(10_000_000, Outcome.SUCCESS);
            RecordingWaiter next = waiters.stream().filter(w -> w.grants.size() == 1 && !order.contains(w.name))
                    .findFirst().orElseThrow();
            order.add(next.name);
            current = next.ticket();
            assertThat(pool.inFlight(one.get(0))).isEqualTo(1);
        }
        assertThat(order).containsExactlyElementsOf(waiters.stream().map(w -> w.name).toList());
        assertThat(waiters).allSatisfy(w -> assertThat(w.grants).hasSize(1));
        assertThat(pool.queueLength()).isZero();
        assertThat(pool.queueWaitNanosTotal()).isEqualTo(10_000_000L * (20 * 21 / 2));
    }

    @Test
    void release_grantsTheMemberThatFreedUp() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> three = members(3);
        List<Ticket> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(granted(pool.admit(three, Balancer.roundRobin(), GET, null, new RecordingWaiter("r" + i))));
        }
        RecordingWaiter waiter = new RecordingWaiter("q");
        pool.admit(three, Balancer.roundRobin(), GET, null, waiter);
        running.get(1).release(1_000_000, Outcome.SUCCESS);
        assertThat(waiter.ticket().member()).isSameAs(three.get(1));
        assertThat(pool.inFlight(three.get(1))).isEqualTo(1);
    }

    @Test
    void admit_whileOthersWait_queuesBehindThem() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> one = members(1);
        Ticket running = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        RecordingWaiter early = new RecordingWaiter("early");
        pool.admit(one, FIRST, GET, null, early);
        RecordingWaiter late = new RecordingWaiter("late");
        assertThat(pool.admit(one, FIRST, GET, null, late)).isInstanceOf(Admit.Queued.class);
        running.release(1, Outcome.SUCCESS);
        assertThat(early.grants).hasSize(1);
        assertThat(late.grants).isEmpty();
    }

    @Test
    void admit_whenTheQueueIsFull_isRejected() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 2), clock);
        List<Member> one = members(1);
        granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        pool.admit(one, FIRST, GET, null, new RecordingWaiter("q1"));
        pool.admit(one, FIRST, GET, null, new RecordingWaiter("q2"));
        Admit third = pool.admit(one, FIRST, GET, null, new RecordingWaiter("q3"));
        assertThat(third).isInstanceOf(Admit.Rejected.class);
        assertThat(((Admit.Rejected) third).reason()).isEqualTo("queue full (2)");
        assertThat(pool.rejectedTotal()).isEqualTo(1);
    }

    @Test
    void admit_withQueueMaxZero_isRejectedAtOnce() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 0), clock);
        List<Member> one = members(1);
        granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        assertThat(pool.admit(one, FIRST, GET, null, new RecordingWaiter("q"))).isInstanceOf(Admit.Rejected.class);
        assertThat(pool.queueLength()).isZero();
    }

    @Test
    void release_twice_freesOneSlotOnly() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> one = members(1);
        Ticket running = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        RecordingWaiter a = new RecordingWaiter("a");
        RecordingWaiter b = new RecordingWaiter("b");
        pool.admit(one, FIRST, GET, null, a);
        pool.admit(one, FIRST, GET, null, b);
        running.release(1, Outcome.SUCCESS);
        running.release(1, Outcome.SUCCESS);
        assertThat(a.grants).hasSize(1);
        assertThat(b.grants).isEmpty();
        assertThat(pool.inFlight(one.get(0))).isEqualTo(1);
    }

    @Test
    void admit_sameWaiterTwiceWhileQueued_fails() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> one = members(1);
        granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        RecordingWaiter w = new RecordingWaiter("w");
        pool.admit(one, FIRST, GET, null, w);
        assertThatThrownBy(() -> pool.admit(one, FIRST, GET, null, w)).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- cancel

    @Test
    void cancel_whileQueued_isTrueAndTheWaiterIsNeverGranted() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> one = members(1);
        Ticket running = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        RecordingWaiter gone = new RecordingWaiter("gone");
        RecordingWaiter next = new RecordingWaiter("next");
        pool.admit(one, FIRST, GET, null, gone);
        pool.admit(one, FIRST, GET, null, next);
        assertThat(pool.cancel(gone)).isTrue();
        assertThat(pool.cancel(gone)).isFalse();
        running.release(1, Outcome.SUCCESS);
        assertThat(gone.grants).isEmpty();
        assertThat(next.grants).hasSize(1);
        assertThat(pool.timedOutOrCancelledTotal()).isEqualTo(1);
    }

    @Test
    void cancel_afterTheGrant_isFalse() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> one = members(1);
        Ticket running = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        RecordingWaiter w = new RecordingWaiter("w");
        pool.admit(one, FIRST, GET, null, w);
        running.release(1, Outcome.SUCCESS);
        assertThat(pool.cancel(w)).isFalse();
        assertThat(w.grants).hasSize(1);
        assertThat(pool.timedOutOrCancelledTotal()).isZero();
    }

    // ---------------------------------------------------------------- no lock held while granting

    @Test
    void granted_isCalledWithoutTheLockHeld() throws Exception {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> one = members(1);
        Ticket running = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        AtomicReference<Object> fromOtherThread = new AtomicReference<>();
        Waiter probing = ticket -> {
            // Another thread must be able to take the pool's lock right now.
            fromOtherThread.set(CompletableFuture.supplyAsync(pool::stats).orTimeout(5, TimeUnit.SECONDS).join());
            ticket.release(1, Outcome.SUCCESS);
        };
        pool.admit(one, FIRST, GET, null, probing);
        running.release(1, Outcome.SUCCESS);
        assertThat(fromOtherThread.get()).isInstanceOf(AdmissionStats.class);
        assertThat(pool.inFlight(one.get(0))).isZero();
    }

    @Test
    void granted_mayReenterTheAdmission() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10_000), clock);
        List<Member> one = members(1);
        Ticket running = granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("r")));
        int n = 5_000; // deep enough to overflow the stack if each grant nested the next one
        List<Integer> served = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            Waiter w = ticket -> {
                served.add(id);
                pool.cancel(new RecordingWaiter("nobody"));
                pool.admit(one, FIRST, GET, null, new RecordingWaiter("late" + id)).getClass();
                ticket.release(1, Outcome.SUCCESS);
            };
            pool.admit(one, FIRST, GET, null, w);
        }
        running.release(1, Outcome.SUCCESS);
        assertThat(served).hasSize(n);
        assertThat(served).isSorted();
    }

    // ---------------------------------------------------------------- pins

    @Test
    void pinned_waitsForItsMemberWhileUnpinnedWaitersBehindItGetOthers() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> two = members(2);
        Ticket onA = granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("a")));
        Ticket onB = granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("b")));
        assertThat(onA.member()).isSameAs(two.get(0));
        RecordingWaiter pinnedToA = new RecordingWaiter("pinnedToA");
        RecordingWaiter free = new RecordingWaiter("free");
        assertThat(pool.admit(two, FIRST, GET, two.get(0), pinnedToA)).isInstanceOf(Admit.Queued.class);
        assertThat(pool.admit(two, FIRST, GET, null, free)).isInstanceOf(Admit.Queued.class);
        onB.release(1, Outcome.SUCCESS);
        assertThat(pinnedToA.grants).isEmpty();
        assertThat(free.ticket().member()).isSameAs(two.get(1));
        onA.release(1, Outcome.SUCCESS);
        assertThat(pinnedToA.ticket().member()).isSameAs(two.get(0));
    }

    @Test
    void pinned_toAFreeMember_waitsEvenIfOthersAreFree() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> two = members(2);
        Ticket onA = granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("a")));
        RecordingWaiter pinned = new RecordingWaiter("pinned");
        assertThat(pool.admit(two, FIRST, GET, two.get(0), pinned)).isInstanceOf(Admit.Queued.class);
        Ticket other = granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("other")));
        assertThat(other.member()).isSameAs(two.get(1));
        onA.release(1, Outcome.SUCCESS);
        assertThat(pinned.ticket().member()).isSameAs(two.get(0));
    }

    @Test
    void pinned_toAMemberNotAmongCandidates_isTreatedAsUnpinned() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> two = members(2);
        Member gone = members(1).get(0);
        assertThat(granted(pool.admit(two, FIRST, GET, gone, new RecordingWaiter("a"))).member()).isSameAs(two.get(0));
    }

    @Test
    void pinned_matchesTheSameBackendOfAnotherSnapshot() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> two = members(2);
        Member sameBackend = new Member(two.get(1).backend(), two.get(1).load());
        assertThat(granted(pool.admit(two, FIRST, GET, sameBackend, new RecordingWaiter("a"))).member()).isSameAs(two.get(1));
    }

    // ---------------------------------------------------------------- changing members

    @Test
    void release_ofAMemberThatLeft_grantsOnlyCurrentMembers() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> two = members(2);
        Ticket onA = granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("a")));
        Ticket onB = granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("b")));
        RecordingWaiter w = new RecordingWaiter("w");
        pool.admit(two, FIRST, GET, null, w);
        List<Member> onlyB = List.of(two.get(1));
        pool.members(onlyB);
        onA.release(1, Outcome.SUCCESS);
        assertThat(w.grants).isEmpty();
        onB.release(1, Outcome.SUCCESS);
        assertThat(w.ticket().member()).isSameAs(two.get(1));
    }

    @Test
    void members_withANewBackend_grantsTheQueue() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> one = members(1);
        granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("a")));
        RecordingWaiter w = new RecordingWaiter("w");
        pool.admit(one, FIRST, GET, null, w);
        Member added = new Member(new dev.gatehouse.core.backend.Backend("web",
                new dev.gatehouse.core.config.HostPort("10.0.0.9", 8000), 1, "v1"), new BackendLoad());
        pool.members(List.of(one.get(0), added));
        assertThat(w.ticket().member()).isSameAs(added);
    }

    @Test
    void queuedPinned_toAMemberThatLeft_takesAnyMember() {
        PoolAdmission pool = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> two = members(2);
        granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("a")));
        Ticket onB = granted(pool.admit(two, FIRST, GET, null, new RecordingWaiter("b")));
        RecordingWaiter pinned = new RecordingWaiter("pinned");
        pool.admit(two, FIRST, GET, two.get(0), pinned);
        pool.members(List.of(two.get(1)));
        onB.release(1, Outcome.SUCCESS);
        assertThat(pinned.ticket().member()).isSameAs(two.get(1));
    }
}
