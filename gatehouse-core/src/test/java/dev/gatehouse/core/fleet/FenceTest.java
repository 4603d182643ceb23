package dev.gatehouse.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.state.CutoverRecord;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A node's part in a fleet cutover on a hand-moved clock: it acknowledges once drained and only
 * once, answers held requests 503 while stale, and takes over from a silent coordinator only well
 * after the coordinator's own last moment, completing or rolling back by the acknowledgements.
 */
final class FenceTest {

    private static final Duration STALE_AFTER = Duration.ofMillis(1500);

    private final FakeClock clock = new FakeClock();
    private final CutoverRecord fencing = new CutoverRecord("c1", "v1", "v2", 3, CutoverRecord.Phase.FENCING,
            List.of("a", "b"), "a", 2_000, "");

    @Test
    void acknowledgesOnceItsOldRequestsHaveFinished_andOnlyOnce() {
        Fence f = new Fence(fencing, clock.nanoTime(), STALE_AFTER);
        assertThat(f.tick(clock.nanoTime(), 3, false)).isEqualTo(new Fence.Step(false, false, false));
        clock.advanceMillis(10);
        assertThat(f.tick(clock.nanoTime(), 0, false).acknowledge()).isTrue();
        // The write failed: it is tried again at the next tick.
        assertThat(f.tick(clock.nanoTime(), 0, false).acknowledge()).isTrue();
        f.acknowledged();
        assertThat(f.tick(clock.nanoTime(), 0, false).acknowledge()).isFalse();
        assertThat(f.isAcknowledged()).isTrue();
    }

    @Test
    void whileStale_answersHeldRequests503_andNeverTakesOver() {
        Fence f = new Fence(fencing, clock.nanoTime(), STALE_AFTER);
        assertThat(f.tick(clock.nanoTime(), 1, true)).isEqualTo(new Fence.Step(false, true, false));
        clock.advanceSeconds(60);
        assertThat(f.tick(clock.nanoTime(), 0, true).takeOver()).isFalse();
    }

    @Test
    void takesOverOnlyAfterTheHoldTimeout_theStaleBoundAndAGrace_thenOncePerGrace() {
        Fence f = new Fence(fencing, clock.nanoTime(), STALE_AFTER);
        // 2000 ms hold + 1600 ms bound + 1000 ms grace.
        clock.advanceMillis(4_599);
        assertThat(f.tick(clock.nanoTime(), 0, false).takeOver()).isFalse();
        clock.advanceMillis(1);
        assertThat(f.tick(clock.nanoTime(), 0, false).takeOver()).isTrue();
        clock.advanceMillis(999);
        assertThat(f.tick(clock.nanoTime(), 0, false).takeOver()).as("tried a moment ago").isFalse();
        clock.advanceMillis(1);
        assertThat(f.tick(clock.nanoTime(), 0, false).takeOver()).isTrue();
    }

    @Test
    void aTakeOver_completesWhenEveryExpectedNodeAcknowledged() {
        CutoverRecord end = Fence.takeOver(fencing, new FenceAcks(Set.of("a", "b", "z"), Map.of()), "b");
        assertThat(end.phase()).isEqualTo(CutoverRecord.Phase.RELEASED);
        assertThat(end.id()).isEqualTo("c1");
        assertThat(end.epoch()).isEqualTo(3);
        assertThat(end.detail()).contains("completed by b", "coordinator a");
    }

    @Test
    void aTakeOver_rollsBackWhenAnExpectedNodeDidNotAcknowledge() {
        CutoverRecord end = Fence.takeOver(fencing, new FenceAcks(Set.of("b"), Map.of("a", 1L, "b", 2L)), "b");
        assertThat(end.phase()).isEqualTo(CutoverRecord.Phase.ABORTED);
        assertThat(end.detail()).contains("rolled back by b", "a did not acknowledge");
    }
}
