package dev.gatehouse.core.admission;

import static dev.gatehouse.core.admission.Fixtures.FIRST;
import static dev.gatehouse.core.admission.Fixtures.GET;
import static dev.gatehouse.core.admission.Fixtures.granted;
import static dev.gatehouse.core.admission.Fixtures.members;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.admission.Fixtures.RecordingWaiter;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.AdaptiveConfig;
import dev.gatehouse.core.time.FakeClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class AimdLimitTest {

    private static final long MS = 1_000_000L;

    private long now = 0;

    private void success(AimdLimit limit, long latencyMs, int inFlight) {
        now += latencyMs * MS;
        limit.onSample(latencyMs * MS, Outcome.SUCCESS, inFlight, now - latencyMs * MS, now);
    }

    @Test
    void limit_underLowLatencyWithDemand_growsToMax() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(4, 1, 16));
        int previous = limit.current();
        for (int i = 0; i < 1_000; i++) {
            success(limit, 10, limit.current());
            assertThat(limit.current()).isBetween(previous, 16);
            previous = limit.current();
        }
        assertThat(limit.current()).isEqualTo(16);
    }

    @Test
    void limit_withoutDemand_doesNotGrow() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(4, 1, 16));
        for (int i = 0; i < 1_000; i++) {
            success(limit, 10, 1);
        }
        assertThat(limit.current()).isEqualTo(4);
    }

    @Test
    void limit_onFailures_shrinksToMinAndNoFurther() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(20, 2, 32));
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            now += MS;
            limit.onSample(-1, Outcome.FAILURE, 1, now, now);
            seen.add(limit.current());
        }
        assertThat(seen.subList(0, 3)).containsExactly(18, 16, 14);
        assertThat(seen).isSortedAccordingTo((a, b) -> b - a);
        assertThat(limit.current()).isEqualTo(2);
    }

    @Test
    void limit_onHighLatency_shrinks() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(10, 1, 32));
        success(limit, 10, 1);
        assertThat(limit.minRttNanos()).isEqualTo(10 * MS);
        // Alone at the backend, a request queued behind none of ours: no signal for the limit.
        success(limit, 25, 1);
        assertThat(limit.current()).isEqualTo(10);
        success(limit, 25, 2);
        assertThat(limit.current()).isEqualTo(9);
        success(limit, 14, 2);
        assertThat(limit.current()).isEqualTo(9);
    }

    @Test
    void aSyncWorkersSecondRequest_waitingForTheFirst_isQueueing() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(3, 1, 32));
        success(limit, 5, 1);
        assertThat(limit.current()).isEqualTo(3);
        // Each waited 5 ms for the one before it: twice the no-load latency.
        success(limit, 10, 2);
        assertThat(limit.current()).isEqualTo(2);
        success(limit, 10, 2);
        assertThat(limit.current()).isEqualTo(1);
    }

    @Test
    void jitterOfASubMillisecondBackend_isNotOverload() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(4, 1, 64));
        long us = 1_000L;
        for (int i = 0; i < 5_000; i++) {
            // 0.05 to 1.5 ms: thirty times the fastest, all within 2 ms of it.
            long latency = (50 + (i * 37 % 1450)) * us;
            now += latency;
            limit.onSample(latency, Outcome.SUCCESS, limit.current(), now - latency, now);
        }
        assertThat(limit.current()).isEqualTo(64);
    }

    @Test
    void limit_decreasesOncePerGenerationOfRequests() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(10, 1, 32));
        long start = now;
        now += MS;
        limit.onSample(-1, Outcome.FAILURE, 10, start, now);
        now += MS;
        limit.onSample(-1, Outcome.FAILURE, 10, start, now);
        assertThat(limit.current()).isEqualTo(9);
    }

    @Test
    void limit_ignoresDroppedRequests() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(10, 1, 32));
        limit.onSample(-1, Outcome.DROPPED, 10, 0, 1);
        limit.onSample(5 * MS, Outcome.DROPPED, 10, 0, 1);
        assertThat(limit.current()).isEqualTo(10);
        assertThat(limit.minRttNanos()).isEqualTo(-1);
    }

    @Test
    void minRtt_ofABackendThatBecameSlower_isRebaselinedWithinTwoWindows() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(4, 1, 16));
        success(limit, 10, 1);
        long until = now + 2 * AimdLimit.WINDOW_NANOS + MS;
        while (now < until) {
            success(limit, 50, 1);
            now += 100 * MS;
        }
        assertThat(limit.minRttNanos()).isEqualTo(50 * MS);
        int before = limit.current();
        success(limit, 60, limit.current());
        assertThat(limit.current()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void pool_withAdaptiveLimits_growsUnderLoadAndShrinksOnFailures() {
        FakeClock clock = new FakeClock();
        PoolAdmission pool = PoolAdmission.create(Fixtures.adaptive(2, 1, 8), clock);
        List<Member> one = members(1);
        Member m = one.get(0);
        assertThat(pool.limit(m)).isEqualTo(2);
        for (int round = 0; round < 200; round++) {
            int limit = pool.limit(m);
            List<Ticket> held = new ArrayList<>();
            RecordingWaiter queued = new RecordingWaiter("q" + round);
            Admit admit;
            while ((admit = pool.admit(one, FIRST, GET, null, queued)) instanceof Admit.Granted g) {
                held.add(g.ticket());
            }
            assertThat(admit).isInstanceOf(Admit.Queued.class);
            assertThat(held).hasSize(limit);
            assertThat(pool.inFlight(m)).isEqualTo(limit);
            clock.advanceMillis(10);
            held.forEach(t -> t.release(10 * MS, Outcome.SUCCESS));
            assertThat(queued.grants).hasSize(1);
            queued.ticket().release(10 * MS, Outcome.SUCCESS);
            assertThat(pool.limit(m)).isBetween(limit, 8);
        }
        assertThat(pool.limit(m)).isEqualTo(8);
        for (int i = 0; i < 30; i++) {
            clock.advanceMillis(1);
            granted(pool.admit(one, FIRST, GET, null, new RecordingWaiter("f"))).release(-1, Outcome.FAILURE);
            assertThat(pool.limit(m)).isBetween(1, 8);
        }
        assertThat(pool.limit(m)).isEqualTo(1);
    }

    @Test
    void aSyncWorker_holdsAtOneSlotAndIsProbedRarely() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(1, 1, 64));
        int queued = 0;
        // Ten minutes of a busy sync worker: 5 ms each, a second request waits for the first.
        for (int i = 0; i < 120_000; i++) {
            if (limit.current() >= 2) {
                queued++;
                success(limit, 10, 2);
            } else {
                success(limit, 5, 1);
            }
        }
        assertThat(limit.current()).isEqualTo(1);
        assertThat(limit.ceiling()).isEqualTo(2);
        // Probes after 0.5, 1, 2, 4, 8, 16 s, then every 30 s: about 25, not one in two requests.
        assertThat(queued).isBetween(5, 40);
    }

    @Test
    void anAsyncBackend_clearsItsCeilingWithACleanProbeAndGrowsOn() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(8, 1, 64));
        success(limit, 5, 8);
        success(limit, 20, 8);
        assertThat(limit.current()).isEqualTo(7);
        assertThat(limit.ceiling()).isEqualTo(8);
        for (int i = 0; i < 5_000; i++) {
            success(limit, 5, limit.current());
        }
        assertThat(limit.ceiling()).isZero();
        assertThat(limit.current()).isEqualTo(64);
    }

    @Test
    void oneCleanSampleAtTheTopSlot_isNotEnoughToGrow() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(2, 1, 64));
        for (int i = 0; i < AimdLimit.CLEAN_PER_SLOT - 1; i++) {
            success(limit, 5, 2);
        }
        success(limit, 5, 1);
        assertThat(limit.current()).isEqualTo(2);
        success(limit, 5, 2);
        assertThat(limit.current()).isEqualTo(3);
        assertThat(limit.proven()).isEqualTo(2);
    }

    @Test
    void slowRoutesOnAnAsyncBackend_areJudgedAgainstTheirOwnBaseline() {
        AimdLimit limit = new AimdLimit(new AdaptiveConfig(4, 1, 64));
        for (int i = 0; i < 5_000; i++) {
            boolean report = i % 10 == 0;
            long latency = (report ? 500 : 5) * MS;
            now += latency;
            limit.onSample(latency, report ? 500 * MS : 5 * MS, Outcome.SUCCESS, limit.current(), now - latency, now);
        }
        assertThat(limit.current()).isEqualTo(64);
        // A 5 ms page that waited behind a 500 ms report is queueing; at a limit of 64, once such
        // samples are a tenth of the recent ones (one alone is the odd slow sample).
        now += 505 * MS;
        limit.onSample(505 * MS, 5 * MS, Outcome.SUCCESS, 64, now - 505 * MS, now);
        assertThat(limit.current()).isEqualTo(64);
        for (int i = 0; i < 6; i++) {
            now += 505 * MS;
            limit.onSample(505 * MS, 5 * MS, Outcome.SUCCESS, 64, now - 505 * MS, now);
        }
        assertThat(limit.current()).isEqualTo(57);
    }
}
