package dev.gatehouse.core.health;

import static dev.gatehouse.core.health.HealthFixtures.RAMP;
import static dev.gatehouse.core.health.HealthFixtures.check;
import static dev.gatehouse.core.health.HealthFixtures.connectFailures;
import static dev.gatehouse.core.health.HealthFixtures.members;
import static dev.gatehouse.core.health.HealthFixtures.outlier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.health.HealthFixtures.CountingListener;
import dev.gatehouse.core.time.FakeClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PoolHealth#available()}: identity while nothing changes, the change listener, drain. */
final class AvailableListTest {

    private final FakeClock clock = new FakeClock();
    private final List<Member> three = members(3);
    private final CountingListener listener = new CountingListener();
    private PoolHealth pool;

    @BeforeEach
    void createPool() {
        pool = PoolHealth.create("web", new HealthConfig(check(2, 2), outlier(100), RAMP, PanicConfig.DEFAULTS), clock);
        pool.members(three);
        pool.onChange(listener);
    }

    @Test
    void available_isTheSameObjectWhileNothingChanges() {
        List<Member> first = pool.available();

        clock.advanceSeconds(3600);
        pool.checkPassed(three.get(0), "HTTP 200");
        pool.checkFailed(three.get(1), "HTTP 503"); // no pass yet: its first failure takes it out
        List<Member> afterCheck = pool.available();

        assertThat(first).containsExactlyElementsOf(three);
        assertThat(afterCheck).isNotSameAs(first).containsExactly(three.get(0), three.get(2));
        pool.checkPassed(three.get(0), "HTTP 200");
        pool.succeeded(three.get(2));
        pool.connectFailed(three.get(2), "refused");
        pool.status(three.get(2));
        pool.panicking();
        pool.share(three.get(2));
        assertThat(pool.available()).isSameAs(afterCheck);
    }

    @Test
    void available_isImmutable() {
        List<Member> list = pool.available();

        assertThatThrownBy(() -> list.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(three.get(0))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void members_withTheSameMembers_keepsTheList() {
        List<Member> before = pool.available();

        pool.members(List.copyOf(three));

        assertThat(pool.available()).isSameAs(before);
        assertThat(pool.members()).containsExactlyElementsOf(three);
    }

    @Test
    void members_withAnotherOrder_changesTheList() {
        List<Member> reversed = List.of(three.get(2), three.get(1), three.get(0));

        pool.members(reversed);

        assertThat(pool.available()).containsExactlyElementsOf(reversed);
        assertThat(pool.members()).containsExactlyElementsOf(reversed);
    }

    @Test
    void listener_runsAfterEveryChange_andSeesTheNewList() {
        List<List<Member>> seen = new ArrayList<>();
        pool.onChange(() -> seen.add(pool.available()));

        pool.checkFailed(three.get(0), "HTTP 503");              // unhealthy
        connectFailures(pool, three.get(1), 3);                   // ejected
        pool.drain(three.get(2), true);                           // drained: none left, fail open
        pool.drain(three.get(2), false);
        clock.advanceSeconds(10);
        pool.available();                                         // the ejection ends

        assertThat(seen).containsExactly(
                List.of(three.get(1), three.get(2)),
                List.of(three.get(2)),
                List.of(three.get(0), three.get(1)),
                List.of(three.get(2)),
                List.of(three.get(1), three.get(2)));
    }

    @Test
    void listener_doesNotRunWhenNothingChanges() {
        pool.checkPassed(three.get(0), "HTTP 200");
        pool.checkFailed(three.get(0), "HTTP 503"); // 1 of fall 2
        pool.connectFailed(three.get(1), "refused");
        pool.drain(three.get(2), false);            // not draining already
        clock.advanceSeconds(60);
        pool.available();

        assertThat(listener.calls).isZero();
    }

    @Test
    void listener_runsAfterTheLockIsReleased() {
        // Another thread must be able to take the pool's lock (status() does) while the listener runs.
        List<BackendStatus> fromOtherThread = new ArrayList<>();
        pool.onChange(() -> {
            Thread t = new Thread(() -> fromOtherThread.add(pool.status(three.get(0))));
            t.start();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        pool.drain(three.get(0), true);

        assertThat(fromOtherThread).singleElement()
                .satisfies(s -> assertThat(s.state()).isEqualTo(BackendState.DRAINING));
    }

    @Test
    void listener_runsOnTheThreadThatNoticesAnEjectionEnd_once() {
        connectFailures(pool, three.get(0), 3);
        assertThat(listener.calls).isEqualTo(1);
        clock.advanceSeconds(10);

        pool.available();
        pool.available();

        assertThat(listener.calls).isEqualTo(2);
    }

    // ---------------------------------------------------------------- drain

    @Test
    void drain_takesTheMemberOutAtOnce_andStatusSaysSo() {
        pool.drain(three.get(1), true);

        assertThat(pool.available()).containsExactly(three.get(0), three.get(2));
        BackendStatus s = pool.status(three.get(1));
        assertThat(s.state()).isEqualTo(BackendState.DRAINING);
        assertThat(s.reason()).contains("drained");
        assertThat(s.share()).isZero();
        assertThat(listener.calls).isEqualTo(1);
    }

    @Test
    void drain_ofAnEjectedMember_showsDraining_andOutlastsTheEjection() {
        connectFailures(pool, three.get(1), 3);
        pool.drain(three.get(1), true);
        clock.advanceSeconds(10);

        assertThat(pool.available()).containsExactly(three.get(0), three.get(2));
        assertThat(pool.status(three.get(1)).state()).isEqualTo(BackendState.DRAINING);
    }

    @Test
    void undrain_bringsTheMemberBack_slowStarting() {
        pool.drain(three.get(1), true);

        pool.drain(three.get(1), false);

        assertThat(pool.available()).containsExactlyElementsOf(three);
        BackendStatus s = pool.status(three.get(1));
        assertThat(s.state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(s.share()).isEqualTo(0.1);
        assertThat(listener.calls).isEqualTo(2);
    }

    @Test
    void undrain_ofAnUnhealthyMember_leavesItUnhealthy() {
        pool.checkFailed(three.get(1), "HTTP 503");
        pool.drain(three.get(1), true);

        pool.drain(three.get(1), false);

        assertThat(pool.available()).containsExactly(three.get(0), three.get(2));
        assertThat(pool.status(three.get(1)).state()).isEqualTo(BackendState.UNHEALTHY);
    }
}
