package dev.gatehouse.core.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.BackendStatus;
import org.junit.jupiter.api.Test;

final class PoolViewTest {

    @Test
    void state_isTheHealthState_outsideADrain() {
        assertThat(PoolView.state(AdminState.READY, BackendState.SLOW_STARTING, 0, null, 0)).isEqualTo("slow-starting");
        assertThat(PoolView.state(AdminState.MAINT, BackendState.MAINTENANCE, 0, null, 0)).isEqualTo("maintenance");
    }

    @Test
    void state_ofADrainingBackend_isDrainedAtZeroInFlight() {
        assertThat(PoolView.state(AdminState.DRAIN, BackendState.DRAINING, 2, null, 0)).isEqualTo("draining");
        assertThat(PoolView.state(AdminState.DRAIN, BackendState.DRAINING, 0, null, 0)).isEqualTo("drained");
    }

    @Test
    void state_ofADrainingBackend_isDrainedOnceItsDeadlinePassed() {
        assertThat(PoolView.state(AdminState.DRAIN, BackendState.DRAINING, 2, 1000L, 999)).isEqualTo("draining");
        assertThat(PoolView.state(AdminState.DRAIN, BackendState.DRAINING, 2, 1000L, 1000)).isEqualTo("drained");
    }

    @Test
    void until_isWhenAnEjectionOrASlowStartEnds_andNullOtherwise() {
        long now = 1_800_000_000_000L;
        assertThat(PoolView.until(new BackendStatus(BackendState.EJECTED, "5 failures in a row", 30_000_000_000L, 0, 1, ""), now))
                .isEqualTo(java.time.Instant.ofEpochMilli(now + 30_000).toString());
        assertThat(PoolView.until(new BackendStatus(BackendState.SLOW_STARTING, "ramping up", 5_000_000_000L, 0.5, 0, ""), now))
                .isEqualTo(java.time.Instant.ofEpochMilli(now + 5_000).toString());
        assertThat(PoolView.until(new BackendStatus(BackendState.HEALTHY, "", 0, 1, 0, ""), now)).isNull();
        assertThat(PoolView.until(new BackendStatus(BackendState.EJECTED, "ending", 0, 0, 1, ""), now)).isNull();
    }
}
