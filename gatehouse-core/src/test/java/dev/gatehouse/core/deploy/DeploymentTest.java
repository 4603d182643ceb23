package dev.gatehouse.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.deploy.DeployAction.HoldNewRequests;
import dev.gatehouse.core.deploy.DeployAction.PublishLive;
import dev.gatehouse.core.deploy.DeployAction.ReleaseHeld;
import dev.gatehouse.core.deploy.DeployAction.Retire;
import dev.gatehouse.core.deploy.DeployAction.SendWarmup;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The deploy state machine, driven by observations and a fake time. */
final class DeploymentTest {

    private static final long SECOND = 1_000_000_000L;

    private static DeployPlan plan(DeployMode mode, int backends, int quorum, int warmup) {
        return new DeployPlan("web", "v41", "v42", mode, backends, quorum, warmup, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(20));
    }

    @Test
    void fast_gateThenSwitchAtOnce_thenDrainAndRetire() {
        Deployment d = Deployment.start(plan(DeployMode.FAST, 4, 4, 0), 0, 7);

        Deployment.Step s = d.advance(SECOND, 2, 0, 3);
        assertThat(s.phase()).isEqualTo(new DeployPhase.Gating(2, 4));
        assertThat(s.actions()).isEmpty();

        s = d.advance(2 * SECOND, 4, 0, 3);
        assertThat(s.actions()).containsExactly(new PublishLive("v42", 8));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Draining(8, 3));

        s = d.advance(3 * SECOND, 4, 0, 1);
        assertThat(s.phase()).isEqualTo(new DeployPhase.Draining(8, 1));
        assertThat(s.actions()).isEmpty();

        s = d.advance(4 * SECOND, 4, 0, 0);
        assertThat(s.actions()).containsExactly(new Retire("v41"));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Done(8, false));
    }

    @Test
    void quorum_lessThanAll_passesTheGate() {
        Deployment d = Deployment.start(plan(DeployMode.FAST, 4, 3, 0), 0, 0);

        assertThat(d.advance(SECOND, 3, 0, 0).actions()).containsExactly(new PublishLive("v42", 1), new Retire("v41"));
        assertThat(d.phase()).isEqualTo(new DeployPhase.Done(1, false));
    }

    @Test
    void gateTimeout_abortsWithTheOldVersionLiveAndNothingPublished() {
        Deployment d = Deployment.start(plan(DeployMode.STRICT, 4, 4, 0), 0, 3);
        d.advance(10 * SECOND, 3, 0, 5);

        Deployment.Step s = d.advance(30 * SECOND, 3, 0, 5);

        assertThat(s.actions()).isEmpty();
        assertThat(s.phase()).isInstanceOfSatisfying(DeployPhase.Aborted.class, a -> {
            assertThat(a.oldStillLive()).isTrue();
            assertThat(a.reason()).contains("readiness gate timed out").contains("3 of 4");
        });
        assertThat(d.advance(31 * SECOND, 4, 0, 0).actions()).as("an ended deploy does nothing more").isEmpty();
    }

    @Test
    void warmup_isSentAfterTheGate_andTheSwitchWaitsForIt() {
        Deployment d = Deployment.start(plan(DeployMode.FAST, 2, 2, 10), 0, 0);

        Deployment.Step s = d.advance(SECOND, 2, 0, 4);
        assertThat(s.actions()).containsExactly(new SendWarmup(10));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Warming(0, 10));

        assertThat(d.advance(2 * SECOND, 2, 6, 4).phase()).isEqualTo(new DeployPhase.Warming(6, 10));
        assertThat(d.advance(3 * SECOND, 2, 10, 4).actions()).containsExactly(new PublishLive("v42", 1));
    }

    @Test
    void warmupThatNeverCompletes_abortsAtTheGateDeadline() {
        Deployment d = Deployment.start(plan(DeployMode.FAST, 2, 2, 10), 0, 0);
        d.advance(SECOND, 2, 0, 4);

        Deployment.Step s = d.advance(30 * SECOND, 2, 9, 4);

        assertThat(s.phase()).isInstanceOfSatisfying(DeployPhase.Aborted.class,
                a -> assertThat(a.reason()).contains("warm-up timed out").contains("9 of 10"));
    }

    @Test
    void strict_holdsNewRequests_publishesOnlyWhenTheOldVersionIsIdle_thenReleasesThem() {
        Deployment d = Deployment.start(plan(DeployMode.STRICT, 2, 2, 0), 0, 4);

        Deployment.Step s = d.advance(SECOND, 2, 0, 3);
        assertThat(s.actions()).containsExactly(new HoldNewRequests());
        assertThat(s.phase()).isEqualTo(new DeployPhase.Holding(3));

        s = d.advance(2 * SECOND, 2, 0, 1);
        assertThat(s.actions()).as("nothing published while old requests run").isEmpty();
        assertThat(s.phase()).isEqualTo(new DeployPhase.Holding(1));

        s = d.advance(3 * SECOND, 2, 0, 0);
        // Published and released in one step; with nothing left of the old version it retires at once.
        assertThat(s.actions()).containsExactly(new PublishLive("v42", 5), new ReleaseHeld(), new Retire("v41"));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Done(5, false));
    }

    @Test
    void strict_holdTimeout_releasesTheHeldRequestsToTheOldVersion_andAborts() {
        Deployment d = Deployment.start(plan(DeployMode.STRICT, 2, 2, 0), 0, 4);
        d.advance(SECOND, 2, 0, 3);

        Deployment.Step s = d.advance(SECOND + 5 * SECOND, 2, 0, 2);

        assertThat(s.actions()).containsExactly(new ReleaseHeld());
        assertThat(s.actions()).noneMatch(a -> a instanceof PublishLive);
        assertThat(s.phase()).isInstanceOfSatisfying(DeployPhase.Aborted.class, a -> {
            assertThat(a.oldStillLive()).isTrue();
            assertThat(a.reason()).contains("2 requests of v41 still in flight");
        });
    }

    @Test
    void drainTimeout_retiresTheOldVersionAnyway_andSaysSo() {
        Deployment d = Deployment.start(plan(DeployMode.FAST, 1, 1, 0), 0, 0);
        d.advance(SECOND, 1, 0, 2);

        assertThat(d.advance(10 * SECOND, 1, 0, 2).actions()).isEmpty();
        Deployment.Step s = d.advance(SECOND + 20 * SECOND, 1, 0, 1);

        assertThat(s.actions()).containsExactly(new Retire("v41"));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Done(1, true));
    }

    @Test
    void oldTunnels_holdTheRetireBack_untilTheyEnd() {
        // Drain timeout 20 s, tunnel wait 40 s: the tunnels may outlast the requests' drain.
        Deployment d = Deployment.start(plan(DeployMode.FAST, 1, 1, 0), 0, 0, Duration.ofSeconds(40));
        Deployment.Step s = d.advance(SECOND, 1, 0, 0, 3);
        assertThat(s.actions()).containsExactly(new PublishLive("v42", 1));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Draining(1, 0, 3));

        s = d.advance(25 * SECOND, 1, 0, 0, 1);
        assertThat(s.actions()).as("past the drain timeout, but a tunnel is open within its wait").isEmpty();
        assertThat(s.phase()).isEqualTo(new DeployPhase.Draining(1, 0, 1));

        s = d.advance(26 * SECOND, 1, 0, 0, 0);
        assertThat(s.actions()).containsExactly(new Retire("v41"));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Done(1, false));
    }

    @Test
    void oldTunnels_pastTheirWait_areLeftAndTheDeploySaysSo() {
        Deployment d = Deployment.start(plan(DeployMode.FAST, 1, 1, 0), 0, 0, Duration.ofSeconds(40));
        d.advance(SECOND, 1, 0, 0, 2);

        assertThat(d.advance(SECOND + 40 * SECOND - 1, 1, 0, 0, 2).actions()).isEmpty();
        Deployment.Step s = d.advance(SECOND + 40 * SECOND, 1, 0, 0, 2);

        assertThat(s.actions()).containsExactly(new Retire("v41"));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Done(1, true));
    }

    @Test
    void keptTunnels_doNotOutwaitTheDrainTimeout() {
        // A pool that keeps tunnels passes no tunnel wait: the drain timeout bounds the deploy.
        Deployment d = Deployment.start(plan(DeployMode.FAST, 1, 1, 0), 0, 0);
        d.advance(SECOND, 1, 0, 0, 5);

        Deployment.Step s = d.advance(SECOND + 20 * SECOND, 1, 0, 0, 5);

        assertThat(s.actions()).containsExactly(new Retire("v41"));
        assertThat(s.phase()).isEqualTo(new DeployPhase.Done(1, true));
    }

    @Test
    void plan_refusesWhatCannotWork() {
        assertThatThrownBy(() -> new DeployPlan("web", "v41", "v41", DeployMode.FAST, 2, 2, 0, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessageContaining("other than the live one");
        assertThatThrownBy(() -> new DeployPlan("web", "v41", "v42", DeployMode.FAST, 2, 3, 0, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessage("quorum: 3 (expected: 1-2)");
        assertThatThrownBy(() -> new DeployPlan("web", "v41", "v42", DeployMode.FAST, 0, 0, 0, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessageContaining("at least one backend");
        assertThatThrownBy(() -> new DeployPlan("web", "v41", "v42", DeployMode.FAST, 1, 1, 0, Duration.ZERO,
                Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessageContaining("expected: > 0");
    }
}
