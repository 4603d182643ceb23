package dev.gatehouse.core.state;

import static dev.gatehouse.core.state.StateFixtures.A;
import static dev.gatehouse.core.state.StateFixtures.B;
import static dev.gatehouse.core.state.StateFixtures.C;
import static dev.gatehouse.core.state.StateFixtures.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.Strategy;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Live versions: the declared one before any cutover, registered versions idle, epochs, rollback. */
final class VersionsTest {

    private final GatehouseConfig config = config();

    private Snapshot snapshot(RuntimeState state) {
        Snapshot s = Snapshot.next(null, 1, config, state, () -> 0L, () -> 1_700_000_000L, new SplittableRandom(1));
        s.activate();
        return s;
    }

    private static List<String> addresses(List<Member> members) {
        return members.stream().map(m -> m.backend().address().toString()).toList();
    }

    @Test
    void beforeAnyCutover_theDeclaredVersionIsLiveAtEpochZero_andAnotherVersionRegistersIdle() {
        RuntimeState s = RuntimeChanges.add(RuntimeState.EMPTY, config, "web", C, 1, "v2");

        PoolSnapshot web = snapshot(s).pool("web");

        assertThat(web.liveVersion()).isEqualTo("v1");
        assertThat(web.epoch()).isZero();
        assertThat(addresses(web.members())).containsExactly(A.toString(), B.toString(), C.toString());
        assertThat(addresses(web.available())).containsExactly(A.toString(), B.toString());
    }

    @Test
    void cutover_makesOnlyTheNewVersionAvailable_atTheNextEpoch_rememberingThePrevious() {
        RuntimeState s = RuntimeChanges.add(RuntimeState.EMPTY, config, "web", C, 1, "v2");
        s = RuntimeChanges.live(s, config, "web", "v2");

        PoolSnapshot web = snapshot(s).pool("web");

        assertThat(web.versions()).isEqualTo(new PoolVersions("v2", "v1", 1));
        assertThat(addresses(web.available())).containsExactly(C.toString());
        // A rollback is a cutover back, while the previous version is still registered.
        RuntimeState back = RuntimeChanges.live(s, config, "web", "v1");
        assertThat(back.versions("web")).isEqualTo(new PoolVersions("v1", "v2", 2));
    }

    @Test
    void cutover_refusesAVersionWithoutBackends_orTheLiveOne() {
        assertThatThrownBy(() -> RuntimeChanges.live(RuntimeState.EMPTY, config, "web", "v9"))
                .isInstanceOf(ChangeRejected.class).hasMessageContaining("a version with a backend in pool web");
        assertThatThrownBy(() -> RuntimeChanges.live(RuntimeState.EMPTY, config, "web", "v1"))
                .isInstanceOf(ChangeRejected.class).hasMessageContaining("other than the live one");
    }

    @Test
    void declaredBackendsOfSeveralVersions_allServeUntilACutoverPicksOne() {
        GatehouseConfig mixed = config(new PoolConfig("web", Strategy.ROUND_ROBIN,
                List.of(new BackendConfig(A, 1, "v1"), new BackendConfig(B, 1, "v2"))));
        Snapshot s = Snapshot.next(null, 1, mixed, RuntimeState.EMPTY, () -> 0L, () -> 0L, new SplittableRandom(1));
        s.activate();

        assertThat(s.pool("web").liveVersion()).isNull();
        assertThat(s.pool("web").available()).hasSize(2);
    }

    @Test
    void reconcile_keepsTheLiveVersionsOfPoolsThatRemain() {
        RuntimeState s = RuntimeChanges.live(RuntimeChanges.add(RuntimeState.EMPTY, config, "web", C, 1, "v2"),
                config, "web", "v2");

        assertThat(RuntimeChanges.reconcile(s, config).versions("web")).isEqualTo(new PoolVersions("v2", "v1", 1));
    }
}
