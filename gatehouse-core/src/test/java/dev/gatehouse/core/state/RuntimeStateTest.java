package dev.gatehouse.core.state;

import static dev.gatehouse.core.state.StateFixtures.A;
import static dev.gatehouse.core.state.StateFixtures.C;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.BackendConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RuntimeState}, {@link PoolRuntime} and {@link BackendOverride}: revisions, copies, empty parts. */
final class RuntimeStateTest {

    private static final PoolRuntime DRAIN_A = new PoolRuntime(null, null,
            List.of(new BackendOverride(A, null, AdminState.DRAIN, null)));

    @Test
    void empty_isRevisionZeroWithoutPools() {
        assertThat(RuntimeState.EMPTY.revision()).isZero();
        assertThat(RuntimeState.EMPTY.pools()).isEmpty();
        assertThat(RuntimeState.EMPTY.pool("web")).isSameAs(PoolRuntime.NONE);
    }

    @Test
    void with_incrementsTheRevisionByOne() {
        RuntimeState s1 = RuntimeState.EMPTY.with("web", DRAIN_A);
        RuntimeState s2 = s1.with("web", PoolRuntime.NONE);

        assertThat(s1.revision()).isEqualTo(1);
        assertThat(s1.pool("web")).isEqualTo(DRAIN_A);
        assertThat(s2.revision()).isEqualTo(2);
    }

    @Test
    void with_poolWithoutChanges_isDropped() {
        RuntimeState s = RuntimeState.EMPTY.with("web", DRAIN_A).with("web", new PoolRuntime(List.of(), List.of(), List.of()));

        assertThat(s.pools()).isEmpty();
        assertThat(s.pool("web")).isSameAs(PoolRuntime.NONE);
    }

    @Test
    void with_keepsTheOtherPoolsInOrder() {
        RuntimeState s = RuntimeState.EMPTY.with("web", DRAIN_A).with("api", DRAIN_A).with("web", DRAIN_A);

        assertThat(s.pools()).containsOnlyKeys("web", "api");
        assertThat(s.pools().keySet()).containsExactly("web", "api");
    }

    @Test
    void constructor_copiesThePools() {
        Map<String, PoolRuntime> pools = new HashMap<>();
        pools.put("web", DRAIN_A);
        pools.put("api", null);
        RuntimeState s = new RuntimeState(3, pools);

        pools.clear();

        assertThat(s.pools()).containsOnlyKeys("web");
        assertThatThrownBy(() -> s.pools().put("x", DRAIN_A)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new RuntimeState(0, null).pools()).isEmpty();
    }

    @Test
    void poolRuntime_copiesItsListsAndFindsOverrides() {
        List<BackendConfig> added = new java.util.ArrayList<>(List.of(new BackendConfig(C, 1, "v1")));
        PoolRuntime p = new PoolRuntime(added, null, DRAIN_A.overrides());

        added.clear();

        assertThat(p.added()).hasSize(1);
        assertThat(p.removed()).isEmpty();
        assertThat(p.override(A)).isEqualTo(new BackendOverride(A, null, AdminState.DRAIN, null));
        assertThat(p.override(C)).isNull();
        assertThat(p.empty()).isFalse();
        assertThat(PoolRuntime.NONE.empty()).isTrue();
    }

    @Test
    void backendOverride_weightOutOfRange_isRejected() {
        assertThatThrownBy(() -> new BackendOverride(A, 0, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weight: 0 (expected: 1-1000)");
        assertThatThrownBy(() -> new BackendOverride(A, 1001, null, null)).hasMessage("weight: 1001 (expected: 1-1000)");
    }

    @Test
    void adminState_apiNames_roundTrip() {
        for (AdminState s : AdminState.values()) {
            assertThat(AdminState.fromApiName(s.apiName())).isSameAs(s);
        }
        assertThat(AdminState.DRAIN.apiName()).isEqualTo("drain");
        assertThat(AdminState.fromApiName("DRAIN")).isNull();
        assertThat(AdminState.fromApiName(null)).isNull();
    }

    @Test
    void changeRejected_namesItsField() {
        ChangeRejected e = new ChangeRejected("weight", "0 (expected: 1-1000)");

        assertThat(e.field()).isEqualTo("weight");
        assertThat(e).hasMessage("weight: 0 (expected: 1-1000)");
    }
}
