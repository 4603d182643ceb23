package dev.gatehouse.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Freshness on a hand-moved clock: confirmed reads, their order, the boundary, and recovery. */
final class FreshnessTest {

    private static final Duration STALE_AFTER = Duration.ofMillis(1500);

    private final FakeClock clock = new FakeClock();

    @Test
    void aViewIsCurrentAtStart_andStaleOnlyPastStaleAfter() {
        Freshness f = new Freshness(STALE_AFTER, clock);
        assertThat(f.stale()).isFalse();

        clock.advance(Duration.ofMillis(1500));
        assertThat(f.stale()).as("exactly stale_after: not yet").isFalse();
        clock.advance(Duration.ofNanos(1));
        assertThat(f.stale()).isTrue();
        assertThat(f.sinceConfirmed()).isEqualTo(Duration.ofMillis(1500).plusNanos(1));
    }

    @Test
    void aReadCountsFromWhenItWasSent_notWhenItsAnswerCame() {
        Freshness f = new Freshness(STALE_AFTER, clock);
        clock.advance(Duration.ofMillis(1000));
        long sent = clock.nanoTime();
        clock.advance(Duration.ofMillis(1000)); // a slow answer
        f.confirmed(sent);

        assertThat(f.sinceConfirmed()).isEqualTo(Duration.ofMillis(1000));
        clock.advance(Duration.ofMillis(501));
        assertThat(f.stale()).isTrue();
    }

    @Test
    void anOlderConfirmation_arrivingLate_doesNotMoveItBack() {
        Freshness f = new Freshness(STALE_AFTER, clock);
        long first = clock.nanoTime();
        clock.advance(Duration.ofMillis(400));
        long second = clock.nanoTime();
        f.confirmed(second);
        f.confirmed(first);

        assertThat(f.sinceConfirmed()).isZero();
    }

    @Test
    void aStaleView_recoversWithTheNextConfirmedRead() {
        Freshness f = new Freshness(STALE_AFTER, clock);
        clock.advance(Duration.ofSeconds(10));
        assertThat(f.stale()).isTrue();

        f.confirmed(clock.nanoTime());
        assertThat(f.stale()).isFalse();
    }

    @Test
    void staleAfter_mustBePositive() {
        assertThatThrownBy(() -> new Freshness(Duration.ZERO, clock)).hasMessageContaining("stale_after");
    }

    @Test
    void theView_showsEachNodesLagAndHeartbeatAge_sortedByName() {
        NodeReport b = new NodeReport("b", 0, 9_000, 40, false, null);
        NodeReport a = new NodeReport("a", 0, 9_500, 42, true, null);
        FleetView v = FleetView.of(java.util.List.of(b, a), 10_000);

        assertThat(v.nodes()).extracting(m -> m.report().name()).containsExactly("a", "b");
        assertThat(v.nodes()).extracting(FleetView.Member::revisionLag).containsExactly(0L, 2L);
        assertThat(v.nodes()).extracting(FleetView.Member::heartbeatAgeMillis).containsExactly(500L, 1000L);
    }
}
