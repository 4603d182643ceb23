package dev.gatehouse.postgres.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.config.HostPort;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class HoldTest {

    private final AtomicLong now = new AtomicLong();
    private final HostPort primary = new HostPort("10.0.0.1", 5432);
    private final Hold hold = new Hold(primary, now::get);

    @Test
    void pause_waitsForTransactionsInFlightThenIsPaused() {
        hold.connections(3, 2);

        assertThat(hold.pause(Duration.ofSeconds(30))).isEqualTo(Hold.Step.CLOSE_IDLE);
        assertThat(hold.mayHandOut()).isFalse();
        assertThat(hold.connections(2, 2)).isEqualTo(Hold.Step.NONE);   // the idle one closed
        assertThat(hold.connections(1, 1)).isEqualTo(Hold.Step.NONE);   // one finished, then closed
        assertThat(hold.connections(0, 0)).isEqualTo(Hold.Step.PAUSED);
        assertThat(hold.state()).isEqualTo(Hold.State.PAUSED);
    }

    @Test
    void pause_withNothingOpenIsPausedAtOnce() {
        assertThat(hold.pause(Duration.ofSeconds(30))).isEqualTo(Hold.Step.PAUSED);
    }

    @Test
    void tick_cancelsWhatIsInFlightOncePastTheDeadline() {
        hold.connections(1, 1);
        hold.pause(Duration.ofSeconds(30));

        now.addAndGet(Duration.ofSeconds(29).toNanos());
        assertThat(hold.tick()).isEqualTo(Hold.Step.NONE);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(hold.tick()).isEqualTo(Hold.Step.CANCEL_IN_FLIGHT);
        assertThat(hold.tick()).isEqualTo(Hold.Step.NONE);
        assertThat(hold.connections(0, 0)).isEqualTo(Hold.Step.PAUSED);
    }

    @Test
    void repoint_onlyWhilePausedAndInANewEpoch() {
        assertThatThrownBy(() -> hold.repoint(new HostPort("10.0.0.2", 5432)))
                .hasMessageContaining("expected: paused first");
        hold.connections(1, 0);
        hold.pause(Duration.ofSeconds(30));
        assertThatThrownBy(() -> hold.repoint(new HostPort("10.0.0.2", 5432)))
                .hasMessageContaining("while pausing");
        hold.connections(0, 0);

        assertThat(hold.repoint(new HostPort("10.0.0.2", 5432))).isEqualTo(2);
        assertThat(hold.address()).isEqualTo(new HostPort("10.0.0.2", 5432));
        assertThat(hold.current(1)).isFalse();
        assertThat(hold.current(2)).isTrue();
        assertThat(hold.resume()).isEqualTo(Hold.Step.SERVE_WAITING);
        assertThat(hold.mayHandOut()).isTrue();
    }

    @Test
    void badCalls_areRefusedWithAReason() {
        assertThatThrownBy(hold::resume).hasMessageContaining("is not paused");
        hold.pause(Duration.ofSeconds(1));
        assertThatThrownBy(() -> hold.pause(Duration.ofSeconds(1))).hasMessageContaining("already paused");
        assertThatThrownBy(() -> hold.connections(1, 2)).hasMessageContaining("expected: 0 <= busy <= open");
    }
}
