package dev.gatehouse.core.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link BackendState} names and availability, {@link BackendStatus} validation. */
final class BackendStateTest {

    @ParameterizedTest(name = "{0}: {1}, available {2}")
    @CsvSource({
            "HEALTHY, healthy, true",
            "SLOW_STARTING, slow-starting, true",
            "UNHEALTHY, unhealthy, false",
            "EJECTED, ejected, false",
            "DRAINING, draining, false",
            "MAINTENANCE, maintenance, false"
    })
    void state_hasADisplayNameAndTellsWhetherItTakesRequests(BackendState state, String name, boolean available) {
        assertThat(state.displayName()).isEqualTo(name);
        assertThat(state.available()).isEqualTo(available);
    }

    @Test
    void status_refusesMissingParts() {
        assertThatThrownBy(() -> new BackendStatus(null, "", 0, 1, 0, "")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("state");
        assertThatThrownBy(() -> new BackendStatus(BackendState.HEALTHY, null, 0, 1, 0, ""))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("reason");
        assertThatThrownBy(() -> new BackendStatus(BackendState.HEALTHY, "", 0, 1, 0, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("lastCheck");
    }
}
