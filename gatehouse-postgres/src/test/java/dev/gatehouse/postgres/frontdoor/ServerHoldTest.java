package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.postgres.hold.Hold;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The hold as the I/O layer carries it out: the pause's future, the held clients' order, the epochs. */
final class ServerHoldTest {

    private final AtomicLong now = new AtomicLong();
    private final ServerHold<String> hold = new ServerHold<>(new Hold(new HostPort("db", 5432), now::get));

    @Test
    void pause_completesWhenTheLastConnectionCloses_andTheDeadlineFiresOnce() {
        hold.connections(3, 1);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        assertThat(hold.pause(Duration.ofSeconds(1), paused)).isEqualTo(Hold.Step.CLOSE_IDLE);
        assertThat(hold.mayHandOut()).isFalse();
        hold.connections(1, 1);
        assertThat(paused).isNotDone();
        assertThat(hold.deadlinePassed()).isFalse();
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(hold.deadlinePassed()).isTrue();
        assertThat(hold.deadlinePassed()).isFalse();
        hold.connections(0, 0);
        assertThat(paused).isCompleted();
        assertThat(hold.state()).isEqualTo(Hold.State.PAUSED);
    }

    @Test
    void heldClients_areServedOldestFirst_theBudgetsWaitersAheadOfTheLaterOnes() {
        List<String> s = List.of("first", "second", "third");
        hold.pause(Duration.ofSeconds(1), new CompletableFuture<>());
        hold.hold(s.get(2));
        hold.holdFirst(List.of(s.get(0), s.get(1)));
        assertThat(hold.heldCount()).isEqualTo(3);
        assertThat(hold.release(s.get(1))).isTrue();
        assertThat(hold.release(s.get(1))).isFalse();
        assertThat(hold.resume()).containsExactly(s.get(0), s.get(2));
        assertThat(hold.heldCount()).isZero();
    }

    @Test
    void resumeBeforeThePauseCompletes_failsThePause() {
        hold.connections(1, 1);
        CompletableFuture<Void> paused = new CompletableFuture<>();
        hold.pause(Duration.ofSeconds(1), paused);
        hold.resume();
        assertThatThrownBy(paused::get).isInstanceOf(ExecutionException.class).hasMessageContaining("resumed before");
    }

    @Test
    void repointOnlyWhilePaused_andEveryRepointOrReconnectIsANewEpoch() {
        assertThatThrownBy(() -> hold.repoint(new HostPort("db2", 5432))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("paused first");
        hold.renew();
        assertThat(hold.epoch()).isEqualTo(2);
        assertThat(hold.current(1)).isFalse();
        hold.pause(Duration.ofSeconds(1), new CompletableFuture<>());
        hold.repoint(new HostPort("db2", 5432));
        assertThat(hold.epoch()).isEqualTo(3);
        assertThat(hold.address()).isEqualTo(new HostPort("db2", 5432));
        assertThat(hold.current(3)).isTrue();
    }
}
