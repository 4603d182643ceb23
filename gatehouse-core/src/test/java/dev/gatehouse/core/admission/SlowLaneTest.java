package dev.gatehouse.core.admission;

import static dev.gatehouse.core.admission.Fixtures.FIRST;
import static dev.gatehouse.core.admission.Fixtures.granted;
import static dev.gatehouse.core.admission.Fixtures.members;
import static dev.gatehouse.core.admission.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.admission.Fixtures.RecordingWaiter;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.config.SlowLaneConfig;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class SlowLaneTest {

    private static final long MS = 1_000_000L;
    private static final PickContext SLOW = request("GET", "/slow");
    private static final PickContext FAST = request("GET", "/fast");

    private final FakeClock clock = new FakeClock();
    private final List<Member> eight = members(8);
    private final PoolAdmission pool = PoolAdmission.create(Fixtures.slowLane(1, 0.5), clock);

    private void learnSlow() {
        for (int i = 0; i < 3; i++) {
            Ticket t = granted(pool.admit(eight, FIRST, SLOW, null, new RecordingWaiter("learn")));
            clock.advanceMillis(500);
            t.release(500 * MS, Outcome.SUCCESS);
        }
        assertThat(pool.routeLatencyNanos("GET /slow")).isEqualTo(500.0 * MS);
        assertThat(pool.slowInFlight()).isZero();
    }

    @Test
    void slowRequests_holdAtMostTheirShareAndFastOnesPassQueuedSlowOnes() {
        learnSlow();
        List<Ticket> slowRunning = new ArrayList<>();
        List<RecordingWaiter> slowQueued = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RecordingWaiter w = new RecordingWaiter("slow" + i);
            Admit admit = pool.admit(eight, FIRST, SLOW, null, w);
            if (admit instanceof Admit.Granted g) {
                slowRunning.add(g.ticket());
            } else {
                assertThat(admit).isInstanceOf(Admit.Queued.class);
                slowQueued.add(w);
            }
        }
        assertThat(slowRunning).hasSize(4);
        assertThat(slowQueued).hasSize(4);
        assertThat(pool.slowInFlight()).isEqualTo(4);

        Ticket fast = granted(pool.admit(eight, FIRST, FAST, null, new RecordingWaiter("fast")));
        assertThat(fast.member()).isNotIn(slowRunning.stream().map(Ticket::member).toList());

        // A slow request that ends hands its place to the next slow one, keeping their order.
        slowRunning.get(0).release(500 * MS, Outcome.SUCCESS);
        assertThat(slowQueued.get(0).grants).hasSize(1);
        assertThat(slowQueued.subList(1, 4)).allSatisfy(w -> assertThat(w.grants).isEmpty());
        assertThat(pool.slowInFlight()).isEqualTo(4);
    }

    @Test
    void release_skipsCappedSlowWaitersAndServesFastOnesBehindThem() {
        PoolAdmission small = PoolAdmission.create(Fixtures.slowLane(1, 0.5), clock);
        List<Member> two = members(2);
        // Teach the small pool too.
        Ticket t = granted(small.admit(two, FIRST, SLOW, null, new RecordingWaiter("learn")));
        t.release(500 * MS, Outcome.SUCCESS);
        Ticket slow = granted(small.admit(two, FIRST, SLOW, null, new RecordingWaiter("slow")));
        Ticket fast = granted(small.admit(two, FIRST, FAST, null, new RecordingWaiter("fast")));
        RecordingWaiter slowWaiting = new RecordingWaiter("slowWaiting");
        RecordingWaiter fastWaiting = new RecordingWaiter("fastWaiting");
        assertThat(small.admit(two, FIRST, SLOW, null, slowWaiting)).isInstanceOf(Admit.Queued.class);
        assertThat(small.admit(two, FIRST, FAST, null, fastWaiting)).isInstanceOf(Admit.Queued.class);
        fast.release(5 * MS, Outcome.SUCCESS);
        assertThat(slowWaiting.grants).isEmpty();
        assertThat(fastWaiting.grants).hasSize(1);
        slow.release(500 * MS, Outcome.SUCCESS);
        assertThat(slowWaiting.grants).hasSize(1);
    }

    @Test
    void slowRequest_findingTheCapReached_queuesEvenWithAFreeSlot() {
        PoolAdmission small = PoolAdmission.create(Fixtures.slowLane(1, 0.5), clock);
        List<Member> two = members(2);
        granted(small.admit(two, FIRST, SLOW, null, new RecordingWaiter("learn"))).release(500 * MS, Outcome.SUCCESS);
        granted(small.admit(two, FIRST, SLOW, null, new RecordingWaiter("slow")));
        assertThat(small.admit(two, FIRST, SLOW, null, new RecordingWaiter("slow2"))).isInstanceOf(Admit.Queued.class);
        assertThat(small.inFlight(two.get(1))).isZero();
    }

    @Test
    void cap_keepsASlotForEachLane() {
        SlowLane lane = new SlowLane(new SlowLaneConfig(0.9, Duration.ofMillis(100), 10));
        assertThat(lane.cap(1)).isEqualTo(1);
        assertThat(lane.cap(2)).isEqualTo(1);
        assertThat(lane.cap(10)).isEqualTo(9);
        SlowLane tiny = new SlowLane(new SlowLaneConfig(0.01, Duration.ofMillis(100), 10));
        assertThat(tiny.cap(10)).isEqualTo(1);
    }

    @Test
    void learner_forgetsTheLeastRecentlyUsedRoutes() {
        SlowLane lane = new SlowLane(new SlowLaneConfig(0.5, Duration.ofMillis(100), 2));
        lane.record("GET /a", 500 * MS, 0);
        lane.record("GET /b", 500 * MS, 0);
        assertThat(lane.isSlow("GET /a")).isTrue();
        lane.record("GET /c", 5 * MS, 0);
        assertThat(lane.routes()).isEqualTo(2);
        assertThat(lane.isSlow("GET /a")).isTrue();
        assertThat(lane.latencyNanos("GET /b")).isEqualTo(-1);
        assertThat(lane.isSlow("GET /c")).isFalse();
    }

    @Test
    void learner_averagesSuccessesOnly() {
        learnSlow();
        for (int i = 0; i < 30; i++) {
            granted(pool.admit(eight, FIRST, SLOW, null, new RecordingWaiter("f"))).release(-1, Outcome.FAILURE);
        }
        assertThat(pool.routeLatencyNanos("GET /slow")).isEqualTo(500.0 * MS);
        for (int i = 0; i < 30; i++) {
            granted(pool.admit(eight, FIRST, SLOW, null, new RecordingWaiter("s"))).release(10 * MS, Outcome.SUCCESS);
        }
        assertThat(pool.routeLatencyNanos("GET /slow")).isLessThan(100.0 * MS);
        assertThat(pool.slowInFlight()).isZero();
    }
}
