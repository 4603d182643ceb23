package dev.gatehouse.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fleet's readiness gate on a hand-moved clock: the smallest count over the live members. */
final class FleetReadinessTest {

    private final FakeClock clock = new FakeClock();
    private final FleetReadiness gate = new FleetReadiness(Duration.ofMillis(1500));

    @Test
    void theGateIsTheSmallestCountOverTheMembers_theCoordinatorCountingItsOwn() {
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 4, Map.of("a", 1L, "b", 2L, "c", 3L), Map.of("b", 4, "c", 3)))
                .isEqualTo(3);
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 1, Map.of("a", 1L, "b", 2L), Map.of("a", 9, "b", 9)))
                .isEqualTo(1);
    }

    @Test
    void aLiveMemberThatHasNotReported_holdsTheGate_andAReportOfANodeThatLeftDoesNot() {
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 4, Map.of("a", 1L, "b", 2L), Map.of())).isZero();
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 4, Map.of("a", 1L), Map.of("gone", 0))).isEqualTo(4);
    }

    @Test
    void aMemberWhoseHeartbeatStoppedForStaleAfter_isNoLongerWaitedFor() {
        Map<String, Long> beats = new HashMap<>(Map.of("a", 1L, "b", 2L, "c", 3L));
        Map<String, Integer> reports = Map.of("b", 2);
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 2, beats, reports)).as("c has not reported").isZero();
        clock.advanceMillis(1_499);
        beats.put("b", 20L);
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 2, beats, reports)).isZero();
        clock.advanceMillis(1);
        beats.put("b", 21L);
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 2, beats, reports)).as("c silent for 1500 ms; b moves")
                .isEqualTo(2);
        beats.put("c", 30L);
        assertThat(gate.healthyEverywhere(clock.nanoTime(), "a", 2, beats, reports)).as("c heartbeats again").isZero();
    }
}
