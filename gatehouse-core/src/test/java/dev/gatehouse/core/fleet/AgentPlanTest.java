package dev.gatehouse.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.DeployRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An agent's decisions, one per moment of a deploy and of the agent's own life. */
final class AgentPlanTest {

    private static final HostPort A1 = new HostPort("10.0.0.21", 9000);
    private static final HostPort A2 = new HostPort("10.0.0.21", 9001);
    private static final HostPort B1 = new HostPort("10.0.0.21", 9002);
    private static final HostPort B2 = new HostPort("10.0.0.21", 9003);

    private static DeployRecord deploy(String from, String to, DeployRecord.Status status) {
        return new DeployRecord(from, to, List.of(), status, "", "n1");
    }

    private static Map<HostPort, String> registered(Object... pairs) {
        Map<HostPort, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((HostPort) pairs[i], (String) pairs[i + 1]);
        }
        return m;
    }

    @Test
    void atStart_theLiveVersionStarts_andItsInstancesRegisterOnceTheyAccept() {
        AgentPlan first = AgentPlan.decide("v1", null, Map.of(), Set.of(), Map.of());
        assertThat(first.start()).containsExactly("v1");
        assertThat(first.register()).isEmpty();

        AgentPlan up = AgentPlan.decide("v1", null, Map.of("v1", Set.of(A1, A2)), Set.of(A1), Map.of());
        assertThat(up.start()).isEmpty();
        assertThat(up.register()).containsExactly(Map.entry(A1, "v1"));

        assertThat(AgentPlan.decide("v1", null, Map.of("v1", Set.of(A1, A2)), Set.of(), registered(A1, "v1", A2, "v1")).idle())
                .isTrue();
    }

    @Test
    void aRestartedAgent_takesOutWhatItsEarlierRunRegistered_onceItsNewInstancesServe() {
        // The earlier run registered 9000 and 9001; this run got 9002 and 9003, not accepting yet.
        AgentPlan starting = AgentPlan.decide("v1", null, Map.of("v1", Set.of(B1, B2)), Set.of(), registered(A1, "v1", A2, "v1"));
        assertThat(starting.idle()).isTrue();
        // One accepts: registered; the old entries stay until both do.
        AgentPlan half = AgentPlan.decide("v1", null, Map.of("v1", Set.of(B1, B2)), Set.of(B1), registered(A1, "v1", A2, "v1"));
        assertThat(half.register()).containsOnlyKeys(B1);
        assertThat(half.unregister()).isEmpty();
        AgentPlan up = AgentPlan.decide("v1", null, Map.of("v1", Set.of(B1, B2)), Set.of(B2),
                registered(A1, "v1", A2, "v1", B1, "v1"));
        assertThat(up.register()).containsOnlyKeys(B2);
        assertThat(up.unregister()).containsExactlyInAnyOrder(A1, A2);
        // Entries of a version it no longer serves go at once.
        assertThat(AgentPlan.decide("v2", null, Map.of("v2", Set.of(B1)), Set.of(), registered(A1, "v1", B1, "v2")).unregister())
                .containsExactly(A1);
    }

    @Test
    void aDeploy_startsTheNewVersion_besideTheOld() {
        DeployRecord running = deploy("v1", "v2", DeployRecord.Status.RUNNING);
        AgentPlan p = AgentPlan.decide("v1", running, Map.of("v1", Set.of(A1)), Set.of(), registered(A1, "v1"));
        assertThat(p.start()).containsExactly("v2");
        assertThat(p.stop()).isEmpty();
        assertThat(p.unregister()).isEmpty();

        AgentPlan up = AgentPlan.decide("v1", running, Map.of("v1", Set.of(A1), "v2", Set.of(B1)), Set.of(B1), registered(A1, "v1"));
        assertThat(up.register()).containsExactly(Map.entry(B1, "v2"));
    }

    @Test
    void afterTheSwitch_theOldVersionStaysUntilTheDeployRetiresIt_thenStops() {
        DeployRecord running = deploy("v1", "v2", DeployRecord.Status.RUNNING);
        Map<String, Set<HostPort>> both = Map.of("v1", Set.of(A1), "v2", Set.of(B1));
        // Switched (v2 live), not retired yet: v1 still registered, the agent waits.
        assertThat(AgentPlan.decide("v2", running, both, Set.of(), registered(A1, "v1", B1, "v2")).idle()).isTrue();
        // Retired by the deploy: v1 stops, even before the record says done.
        AgentPlan retired = AgentPlan.decide("v2", running, both, Set.of(), registered(B1, "v2"));
        assertThat(retired.stop()).containsExactly("v1");
        assertThat(retired.unregister()).isEmpty();
        AgentPlan done = AgentPlan.decide("v2", deploy("v1", "v2", DeployRecord.Status.DONE), both, Set.of(), registered(B1, "v2"));
        assertThat(done.stop()).containsExactly("v1");
    }

    @Test
    void anAbortedDeploy_theNewVersionStopsOnceTakenOut() {
        Map<String, Set<HostPort>> both = Map.of("v1", Set.of(A1), "v2", Set.of(B1));
        DeployRecord aborted = deploy("v1", "v2", DeployRecord.Status.ABORTED);
        // Taken out by the deploy: it stops.
        assertThat(AgentPlan.decide("v1", aborted, both, Set.of(), registered(A1, "v1")).stop()).containsExactly("v2");
        // Left registered (its coordinator died before it took them out): the agent takes them out, then stops them.
        AgentPlan left = AgentPlan.decide("v1", aborted, both, Set.of(), registered(A1, "v1", B1, "v2"));
        assertThat(left.unregister()).containsExactly(B1);
        assertThat(left.stop()).isEmpty();
        assertThat(AgentPlan.decide("v1", aborted, both, Set.of(), registered(A1, "v1")).stop()).containsExactly("v2");
    }

    @Test
    void aPortReusedByAnotherVersion_isRegisteredAgainWithIt() {
        AgentPlan p = AgentPlan.decide("v2", null, Map.of("v2", Set.of(A1)), Set.of(A1), registered(A1, "v1"));

        assertThat(p.register()).containsExactly(Map.entry(A1, "v2"));
        assertThat(p.unregister()).isEmpty();
    }

    @Test
    void anInstanceThatStopsAccepting_staysRegistered_forTheBalancersChecksToJudge() {
        assertThat(AgentPlan.decide("v1", null, Map.of("v1", Set.of(A1)), Set.of(), registered(A1, "v1")).idle()).isTrue();
    }

    @Test
    void theInstancesADeployWaitsFor_areTheLiveAgents() {
        NodeReport agent1 = new NodeReport("a1", 0, 0, 1, false, Map.of(), 1500, NodeReport.AGENT,
                Map.of("web", new NodeReport.AppRun(64, Map.of("v1", 64))));
        NodeReport agent2 = new NodeReport("a2", 0, 0, 1, false, Map.of(), 1500, NodeReport.AGENT,
                Map.of("web", new NodeReport.AppRun(32, Map.of())));
        NodeReport balancer = new NodeReport("n1", 0, 0, 1, false, Map.of(), 1500);
        FleetView view = new FleetView(List.of(new FleetView.Member(agent1, 0, 100), new FleetView.Member(agent2, 0, 9_000),
                new FleetView.Member(balancer, 0, 100)));

        assertThat(AgentPlan.expectedInstances(view, "web", 4_500)).isEqualTo(64);
        assertThat(AgentPlan.expectedInstances(view, "web", 10_000)).isEqualTo(96);
        assertThat(AgentPlan.agents(view, "web", 10_000)).containsExactly("a1", "a2");
        assertThat(AgentPlan.expectedInstances(view, "api", 10_000)).isZero();
    }
}
