package dev.gatehouse.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fleet's readiness gate: the smallest healthy count over every member. */
final class FleetReadinessTest {

    @Test
    void theGateIsTheSmallestCountOverTheMembers() {
        assertThat(FleetReadiness.healthyEverywhere("a", 4, Set.of("a", "b", "c"), Map.of("b", 4, "c", 3))).isEqualTo(3);
        assertThat(FleetReadiness.healthyEverywhere("a", 2, Set.of("a", "b"), Map.of("b", 4))).isEqualTo(2);
    }

    @Test
    void aMemberThatHasNotReported_holdsTheGate_andAReportOfANodeThatLeftDoesNot() {
        assertThat(FleetReadiness.healthyEverywhere("a", 4, Set.of("a", "b"), Map.of())).isZero();
        assertThat(FleetReadiness.healthyEverywhere("a", 4, Set.of("a"), Map.of("gone", 0))).isEqualTo(4);
    }

    @Test
    void theCoordinatorsOwnReportIsItsLocalCount() {
        assertThat(FleetReadiness.healthyEverywhere("a", 1, Set.of("a", "b"), Map.of("a", 9, "b", 9))).isEqualTo(1);
    }
}
