package dev.gatehouse.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.state.CutoverRecord;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's decisions on a hand-moved clock, one test per order of events: every node
 * acknowledging (in any order), a node alive but still draining, a silent node before and after the
 * stale bound, a silent node with a hold timeout shorter than the bound, a node that joined after
 * the commit, a node that left, and acknowledgements from nodes nobody expected.
 */
final class FenceCoordinatorTest {

    private static final Duration STALE_AFTER = Duration.ofMillis(1500);
    private static final long COMMIT_REVISION = 100;

    private final FakeClock clock = new FakeClock();

    private static CutoverRecord fencing(long holdMillis, String... expected) {
        return new CutoverRecord("c1", "v1", "v2", 8, CutoverRecord.Phase.FENCING, List.of(expected), "a", holdMillis, "");
    }

    private FenceCoordinator committed(long holdMillis, String... expected) {
        return new FenceCoordinator(fencing(holdMillis, expected), clock.nanoTime(), COMMIT_REVISION, STALE_AFTER);
    }

    /** Every named node alive: heartbeats written after the commit. */
    private static Map<String, Long> alive(String... nodes) {
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        for (String n : nodes) {
            m.put(n, COMMIT_REVISION + 3);
        }
        return m;
    }

    @Test
    void theStaleBound_isStaleAfterWithAMarginForClockRates() {
        assertThat(FenceCoordinator.staleBound(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1600));
        assertThat(FenceCoordinator.staleBound(Duration.ofSeconds(10))).isEqualTo(Duration.ofMillis(10_500));
    }

    @Test
    void releases_assoonAsEveryExpectedNodeAcknowledged_inWhateverOrder() {
        FenceCoordinator c = committed(10_000, "a", "b", "c");
        Map<String, Long> beats = alive("a", "b", "c");

        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of(), beats)))
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of("a", "b", "c"), List.of()));
        clock.advanceMillis(5);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("c"), beats)))
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of("a", "b"), List.of()));
        clock.advanceMillis(5);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("c", "a"), beats)))
                .isInstanceOf(FenceCoordinator.Decision.Wait.class);
        clock.advanceMillis(5);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("c", "a", "b"), beats)))
                .isEqualTo(new FenceCoordinator.Decision.Release(List.of(), "every node acknowledged the fence"));
    }

    @Test
    void aNodeAliveButStillDraining_isWaitedForPastTheBound_andAbortsTheCutoverAtTheHoldTimeout() {
        FenceCoordinator c = committed(5_000, "a", "b");
        Map<String, Long> beats = alive("a", "b");

        clock.advanceMillis(1_700);
        beats.put("b", COMMIT_REVISION + 20);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats))).as("past the bound, but b heartbeats: it is draining")
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of("b"), List.of()));
        clock.advanceMillis(3_299);
        beats.put("b", COMMIT_REVISION + 30);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats))).isInstanceOf(FenceCoordinator.Decision.Wait.class);
        clock.advanceMillis(1);
        beats.put("b", COMMIT_REVISION + 31);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats))).isInstanceOfSatisfying(FenceCoordinator.Decision.Abort.class,
                a -> assertThat(a.reason()).contains("5000 ms", "b (still draining)", "went to v1"));
    }

    @Test
    void aSilentNode_isReleasedWithoutOnlyOnceTheStaleBoundHasPassed() {
        FenceCoordinator c = committed(10_000, "a", "b", "c");
        Map<String, Long> beats = alive("a", "b");
        beats.put("c", COMMIT_REVISION - 1);
        FenceAcks seen = new FenceAcks(Set.of("a", "b"), beats);

        clock.advanceMillis(1_599);
        assertThat(c.decide(clock.nanoTime(), seen)).isEqualTo(new FenceCoordinator.Decision.Wait(List.of(), List.of("c")));
        clock.advanceMillis(1);
        assertThat(c.decide(clock.nanoTime(), seen)).isInstanceOfSatisfying(FenceCoordinator.Decision.Release.class, r -> {
            assertThat(r.without()).containsExactly("c");
            assertThat(r.detail()).contains("without c", "1600 ms");
        });
    }

    @Test
    void aSilentNodeThatComesBackBeforeTheBound_isWaitedForAgain() {
        FenceCoordinator c = committed(10_000, "a", "b");
        Map<String, Long> beats = alive("a");
        beats.put("b", COMMIT_REVISION - 5);
        clock.advanceMillis(1_000);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats)))
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of(), List.of("b")));

        // b heartbeats again: it has the fence in force (or soon will) and drains.
        beats.put("b", COMMIT_REVISION + 9);
        clock.advanceMillis(1_000);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats)))
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of("b"), List.of()));
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a", "b"), beats)))
                .isInstanceOf(FenceCoordinator.Decision.Release.class);
    }

    @Test
    void aNodeWhoseHeartbeatStopsJustAfterTheCommit_isSilentOnceItHasNotMovedForStaleAfter() {
        FenceCoordinator c = committed(10_000, "a", "b");
        // b wrote one heartbeat after the commit, then died.
        Map<String, Long> beats = alive("a", "b");
        FenceAcks seen = new FenceAcks(Set.of("a"), beats);
        assertThat(c.decide(clock.nanoTime(), seen)).isEqualTo(new FenceCoordinator.Decision.Wait(List.of("b"), List.of()));
        clock.advanceMillis(1_499);
        assertThat(c.decide(clock.nanoTime(), seen)).isEqualTo(new FenceCoordinator.Decision.Wait(List.of("b"), List.of()));
        clock.advanceMillis(1);
        assertThat(c.decide(clock.nanoTime(), seen)).as("still at 1500 ms, before the bound")
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of(), List.of("b")));
        clock.advanceMillis(100);
        assertThat(c.decide(clock.nanoTime(), seen)).isInstanceOfSatisfying(FenceCoordinator.Decision.Release.class,
                r -> assertThat(r.without()).containsExactly("b"));
    }

    @Test
    void aNodeThatKeepsHeartbeating_staysDraining() {
        FenceCoordinator c = committed(10_000, "a", "b");
        Map<String, Long> beats = alive("a", "b");
        for (int i = 0; i < 10; i++) {
            beats.put("b", COMMIT_REVISION + 10 + i);
            assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats)))
                    .isEqualTo(new FenceCoordinator.Decision.Wait(List.of("b"), List.of()));
            clock.advanceMillis(500);
        }
    }

    @Test
    void aMemberWithALongerStaleAfter_pushesTheBoundOut() {
        FenceCoordinator c = committed(20_000, "a", "b");
        Map<String, Long> beats = alive("a");
        beats.put("b", COMMIT_REVISION - 1);
        FenceAcks seen = new FenceAcks(Set.of("a"), beats, Duration.ofSeconds(5));
        clock.advanceMillis(5_249);
        assertThat(c.decide(clock.nanoTime(), seen)).isEqualTo(new FenceCoordinator.Decision.Wait(List.of(), List.of("b")));
        clock.advanceMillis(1);
        assertThat(c.decide(clock.nanoTime(), seen)).isInstanceOfSatisfying(FenceCoordinator.Decision.Release.class,
                r -> assertThat(r.detail()).contains("5250 ms"));
    }

    @Test
    void theStoreUnreadable_waits_thenAbortsAtTheHoldTimeout() {
        FenceCoordinator c = committed(3_000, "a", "b");
        assertThat(c.unreadable(clock.nanoTime())).isInstanceOf(FenceCoordinator.Decision.Wait.class);
        clock.advanceMillis(3_000);
        assertThat(c.unreadable(clock.nanoTime())).isInstanceOfSatisfying(FenceCoordinator.Decision.Abort.class,
                a -> assertThat(a.reason()).contains("could not be read"));
    }

    @Test
    void aNodeWhoseHeartbeatIsGone_countsAsSilent() {
        FenceCoordinator c = committed(10_000, "a", "b");
        clock.advanceMillis(1_600);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), alive("a"))))
                .isInstanceOfSatisfying(FenceCoordinator.Decision.Release.class, r -> assertThat(r.without()).containsExactly("b"));
    }

    @Test
    void aSilentNode_withAHoldTimeoutShorterThanTheBound_abortsTheCutover() {
        FenceCoordinator c = committed(1_000, "a", "b");
        FenceAcks seen = new FenceAcks(Set.of("a"), alive("a"));
        clock.advanceMillis(1_000);
        assertThat(c.decide(clock.nanoTime(), seen)).isInstanceOfSatisfying(FenceCoordinator.Decision.Abort.class,
                a -> assertThat(a.reason()).contains("b (silent)"));
    }

    @Test
    void aNodeThatJoinedAfterTheCommit_isWaitedFor_andAnAckNobodyExpectedChangesNothing() {
        FenceCoordinator c = committed(10_000, "a", "b");
        Map<String, Long> beats = alive("a", "b", "d");
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a", "b", "x"), beats)))
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of("d"), List.of()));
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a", "b", "d", "x"), beats)))
                .isInstanceOf(FenceCoordinator.Decision.Release.class);
    }

    @Test
    void aDrainingNodeAndASilentOne_wait_thenAbortNamingBoth() {
        FenceCoordinator c = committed(3_000, "a", "b", "c");
        Map<String, Long> beats = alive("a", "b");
        clock.advanceMillis(2_000);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats)))
                .isEqualTo(new FenceCoordinator.Decision.Wait(List.of("b"), List.of("c")));
        clock.advanceMillis(1_000);
        beats.put("b", COMMIT_REVISION + 9);
        assertThat(c.decide(clock.nanoTime(), new FenceAcks(Set.of("a"), beats))).isInstanceOfSatisfying(FenceCoordinator.Decision.Abort.class,
                a -> assertThat(a.reason()).contains("b (still draining) and c (silent)"));
    }

    @Test
    void onlyAFencingCutoverIsCoordinated() {
        CutoverRecord done = fencing(1_000, "a").ended(CutoverRecord.Phase.RELEASED, "done");
        assertThatThrownBy(() -> new FenceCoordinator(done, 0, 1, STALE_AFTER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: fencing");
    }
}
