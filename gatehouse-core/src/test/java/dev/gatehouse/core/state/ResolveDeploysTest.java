package dev.gatehouse.core.state;

import static dev.gatehouse.core.state.StateFixtures.A;
import static dev.gatehouse.core.state.StateFixtures.B;
import static dev.gatehouse.core.state.StateFixtures.C;
import static dev.gatehouse.core.state.StateFixtures.D;
import static dev.gatehouse.core.state.StateFixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A node that starts in the middle of a deploy finishes it: completed after the switch, rolled back before. */
final class ResolveDeploysTest {

    private final GatehouseConfig config = config();

    /** v2 on C and D registered, the deploy recorded as running. */
    private RuntimeState started() {
        RuntimeState s = RuntimeState.EMPTY.with("web", new DeployRecord("v1", "v2", List.of(C, D), DeployRecord.Status.RUNNING, ""));
        s = RuntimeChanges.add(s, config, "web", C, 1, "v2");
        return RuntimeChanges.add(s, config, "web", D, 1, "v2");
    }

    private static List<HostPort> addresses(GatehouseConfig config, RuntimeState s) {
        return RuntimeChanges.effective(config.pools().get("web"), s.pool("web")).stream()
                .map(e -> e.config().address()).toList();
    }

    @Test
    void interruptedBeforeTheSwitch_isRolledBack_theNewBackendsLeave() {
        RuntimeState after = RuntimeChanges.resolveDeploys(started(), config);

        assertThat(addresses(config, after)).containsExactly(A, B);
        assertThat(after.versions("web")).isNull();
        assertThat(after.deploy("web").status()).isEqualTo(DeployRecord.Status.ROLLED_BACK_AT_RESTART);
        assertThat(after.deploy("web").detail()).contains("before the switch").contains("v1 serves on");
    }

    @Test
    void interruptedAfterTheSwitch_isCompleted_theOldBackendsLeave() {
        RuntimeState switched = RuntimeChanges.live(started(), config, "web", "v2");

        RuntimeState after = RuntimeChanges.resolveDeploys(switched, config);

        assertThat(addresses(config, after)).containsExactly(C, D);
        assertThat(after.versions("web").live()).isEqualTo("v2");
        assertThat(after.deploy("web").status()).isEqualTo(DeployRecord.Status.COMPLETED_AT_RESTART);
    }

    @Test
    void endedDeploys_areLeftAlone() {
        RuntimeState done = started().with("web", new DeployRecord("v1", "v2", List.of(C, D), DeployRecord.Status.DONE, "ok"));

        assertThat(RuntimeChanges.resolveDeploys(done, config)).isSameAs(done);
    }
}
