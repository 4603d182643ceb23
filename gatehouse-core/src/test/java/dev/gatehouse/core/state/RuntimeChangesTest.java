package dev.gatehouse.core.state;

import static dev.gatehouse.core.state.StateFixtures.A;
import static dev.gatehouse.core.state.StateFixtures.B;
import static dev.gatehouse.core.state.StateFixtures.C;
import static dev.gatehouse.core.state.StateFixtures.D;
import static dev.gatehouse.core.state.StateFixtures.X;
import static dev.gatehouse.core.state.StateFixtures.config;
import static dev.gatehouse.core.state.StateFixtures.withBackends;
import static dev.gatehouse.core.state.StateFixtures.withWeb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.state.RuntimeChanges.EffectiveBackend;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RuntimeChanges}: each operation's result, what it rejects (naming the field), the
 * effective backends and reconciling with an edited config.
 */
final class RuntimeChangesTest {

    private final GatehouseConfig config = config();

    // ---------------------------------------------------------------- add

    @Test
    void add_newBackend_comesAfterTheDeclaredOnesAsAnAddedOne() {
        RuntimeState s = add(RuntimeState.EMPTY, C, 5, "v2");

        assertThat(web(s)).containsExactly("10.0.0.1:8000 w1 v1 ready declared", "10.0.0.2:8000 w2 v1 ready declared",
                "10.0.0.3:8000 w5 v2 ready added");
        assertThat(s.pool("web").added()).containsExactly(new BackendConfig(C, 5, "v2"));
        assertThat(s.pool("api")).isSameAs(PoolRuntime.NONE);
    }

    @Test
    void add_weightAtTheBounds_isAccepted() {
        RuntimeState s = add(add(RuntimeState.EMPTY, C, 1, "v1"), D, 1000, "v1");

        assertThat(web(s)).contains("10.0.0.3:8000 w1 v1 ready added", "10.0.0.4:8000 w1000 v1 ready added");
    }

    @Test
    void add_unknownPool_isRejectedNamingThePools() {
        assertRejected(() -> RuntimeChanges.add(RuntimeState.EMPTY, config, "nope", C, 1, "v1"), "pool",
                "pool: \"nope\" (expected: one of [web, api])");
    }

    @Test
    void add_nullPool_isRejected() {
        assertRejected(() -> RuntimeChanges.add(RuntimeState.EMPTY, config, null, C, 1, "v1"), "pool",
                "pool: null (expected: one of [web, api])");
    }

    @Test
    void add_declaredAddress_isRejectedAsADuplicate() {
        assertRejected(() -> add(RuntimeState.EMPTY, A, 1, "v1"), "address",
                "address: \"10.0.0.1:8000\" (expected: a backend not in pool web yet)");
    }

    @Test
    void add_addedAddress_isRejectedAsADuplicate() {
        RuntimeState s = add(RuntimeState.EMPTY, C, 1, "v1");

        assertRejected(() -> add(s, C, 3, "v2"), "address", "address: \"10.0.0.3:8000\" (expected: a backend not in pool web yet)");
    }

    @Test
    void add_addressOfAnotherPool_isAccepted() {
        RuntimeState s = add(RuntimeState.EMPTY, X, 1, "v7");

        assertThat(web(s)).contains("10.0.1.1:8000 w1 v7 ready added");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1001, Integer.MAX_VALUE})
    void add_weightOutOfRange_isRejected(int weight) {
        assertRejected(() -> add(RuntimeState.EMPTY, C, weight, "v1"), "weight", "weight: " + weight + " (expected: 1-1000)");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "v 1", "v1/2", "é", "v1\n",
            "12345678901234567890123456789012345678901234567890123456789012345"})
    void add_badVersion_isRejected(String version) {
        assertThatThrownBy(() -> add(RuntimeState.EMPTY, C, 1, version))
                .isInstanceOfSatisfying(ChangeRejected.class, e -> assertThat(e.field()).isEqualTo("version"))
                .hasMessageEndingWith("(expected: 1-64 letters, digits, '.', '_' or '-')");
    }

    @Test
    void add_versionOf64Characters_isAccepted() {
        String version = "a".repeat(64);

        assertThat(add(RuntimeState.EMPTY, C, 1, version).pool("web").added()).extracting(BackendConfig::version)
                .containsExactly(version);
    }

    @Test
    void add_removedDeclaredBackend_makesItTheConfigsAgain() {
        RuntimeState removed = remove(RuntimeState.EMPTY, A);

        RuntimeState s = add(removed, A, 1, "v1");

        assertThat(s.pool("web")).isSameAs(PoolRuntime.NONE);
        assertThat(s.pools()).isEmpty();
        assertThat(web(s)).containsExactly("10.0.0.1:8000 w1 v1 ready declared", "10.0.0.2:8000 w2 v1 ready declared");
        assertThat(s.revision()).isEqualTo(2);
    }

    @Test
    void add_removedDeclaredBackendWithAnotherWeight_keepsTheWeightAsAnOverride() {
        RuntimeState s = add(remove(RuntimeState.EMPTY, B), B, 7, "v1");

        assertThat(s.pool("web").removed()).isEmpty();
        assertThat(s.pool("web").added()).isEmpty();
        assertThat(s.pool("web").overrides()).containsExactly(new BackendOverride(B, 7, null, null));
        assertThat(web(s)).containsExactly("10.0.0.1:8000 w1 v1 ready declared", "10.0.0.2:8000 w7 v1 ready declared");
    }

    @Test
    void add_removedDeclaredBackendWithAnotherVersion_isRejectedNamingTheDeclaredOne() {
        RuntimeState removed = remove(RuntimeState.EMPTY, A);

        assertRejected(() -> add(removed, A, 1, "v2"), "version",
                "version: \"v2\" (expected: \"v1\", the version the config declares for 10.0.0.1:8000)");
    }

    @Test
    void add_removedDeclaredBackend_comesBackInConfigOrder() {
        RuntimeState s = add(add(remove(RuntimeState.EMPTY, A), C, 1, "v1"), A, 1, "v1");

        assertThat(web(s)).extracting(line -> line.substring(0, 13)).containsExactly("10.0.0.1:8000", "10.0.0.2:8000",
                "10.0.0.3:8000");
    }

    // ---------------------------------------------------------------- remove

    @Test
    void remove_declaredBackend_takesItOutAndRemembersIt() {
        RuntimeState s = remove(RuntimeState.EMPTY, A);

        assertThat(s.pool("web").removed()).containsExactly(A);
        assertThat(web(s)).containsExactly("10.0.0.2:8000 w2 v1 ready declared");
    }

    @Test
    void remove_addedBackend_forgetsItRatherThanRemovingIt() {
        RuntimeState s = remove(add(RuntimeState.EMPTY, C, 1, "v1"), C);

        assertThat(s.pool("web")).isSameAs(PoolRuntime.NONE);
        assertThat(web(s)).hasSize(2);
    }

    @Test
    void remove_dropsTheBackendsOverrides() {
        RuntimeState drained = weight(admin(RuntimeState.EMPTY, A, AdminState.DRAIN, 5L), A, 9);

        RuntimeState s = remove(drained, A);

        assertThat(s.pool("web").overrides()).isEmpty();
        assertThat(web(add(s, A, 1, "v1"))).first().isEqualTo("10.0.0.1:8000 w1 v1 ready declared");
    }

    @Test
    void remove_unknownAddress_isRejected() {
        assertRejected(() -> remove(RuntimeState.EMPTY, C), "address",
                "address: \"10.0.0.3:8000\" (expected: a backend of pool web)");
    }

    @Test
    void remove_backendOfAnotherPool_isRejected() {
        assertRejected(() -> remove(RuntimeState.EMPTY, X), "address",
                "address: \"10.0.1.1:8000\" (expected: a backend of pool web)");
    }

    @Test
    void remove_removedBackend_isRejected() {
        RuntimeState s = remove(RuntimeState.EMPTY, A);

        assertRejected(() -> remove(s, A), "address", "address: \"10.0.0.1:8000\" (expected: a backend of pool web)");
    }

    @Test
    void remove_unknownPool_isRejected() {
        assertRejected(() -> RuntimeChanges.remove(RuntimeState.EMPTY, config, "nope", A), "pool",
                "pool: \"nope\" (expected: one of [web, api])");
    }

    @Test
    void remove_everyBackend_leavesAnEmptyPool() {
        RuntimeState s = remove(remove(RuntimeState.EMPTY, A), B);

        assertThat(web(s)).isEmpty();
    }

    // ---------------------------------------------------------------- weight

    @Test
    void weight_declaredBackend_isAnOverride() {
        RuntimeState s = weight(RuntimeState.EMPTY, A, 5);

        assertThat(s.pool("web").overrides()).containsExactly(new BackendOverride(A, 5, null, null));
        assertThat(web(s)).first().isEqualTo("10.0.0.1:8000 w5 v1 ready declared");
    }

    @Test
    void weight_equalToTheConfigs_dropsTheOverride() {
        RuntimeState s = weight(weight(RuntimeState.EMPTY, B, 5), B, 2);

        assertThat(s.pool("web")).isSameAs(PoolRuntime.NONE);
        assertThat(web(s)).containsExactly("10.0.0.1:8000 w1 v1 ready declared", "10.0.0.2:8000 w2 v1 ready declared");
    }

    @Test
    void weight_equalToTheConfigs_keepsTheAdminState() {
        RuntimeState s = weight(weight(admin(RuntimeState.EMPTY, A, AdminState.DRAIN, 77L), A, 5), A, 1);

        assertThat(s.pool("web").overrides()).containsExactly(new BackendOverride(A, null, AdminState.DRAIN, 77L));
    }

    @Test
    void weight_equalToTheConfigsWithoutAnOverride_changesNothingButTheRevision() {
        RuntimeState s = weight(RuntimeState.EMPTY, A, 1);

        assertThat(s.pools()).isEmpty();
        assertThat(s.revision()).isEqualTo(1);
    }

    @Test
    void weight_addedBackend_changesTheAddedEntry() {
        RuntimeState s = weight(add(RuntimeState.EMPTY, C, 5, "v2"), C, 9);

        assertThat(s.pool("web").added()).containsExactly(new BackendConfig(C, 9, "v2"));
        assertThat(s.pool("web").overrides()).isEmpty();
        assertThat(web(s)).last().isEqualTo("10.0.0.3:8000 w9 v2 ready added");
    }

    @Test
    void weight_addedBackendInMaintenance_staysInMaintenance() {
        RuntimeState s = weight(admin(add(RuntimeState.EMPTY, C, 5, "v2"), C, AdminState.MAINT, null), C, 9);

        assertThat(web(s)).last().isEqualTo("10.0.0.3:8000 w9 v2 maint added");
    }

    @Test
    void weight_keepsTheDrainAndItsDeadline() {
        RuntimeState s = weight(admin(RuntimeState.EMPTY, A, AdminState.DRAIN, 99L), A, 3);

        assertThat(s.pool("web").override(A)).isEqualTo(new BackendOverride(A, 3, AdminState.DRAIN, 99L));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5, 1001})
    void weight_outOfRange_isRejected(int weight) {
        assertRejected(() -> weight(RuntimeState.EMPTY, A, weight), "weight", "weight: " + weight + " (expected: 1-1000)");
    }

    @Test
    void weight_unknownAddress_isRejectedBeforeTheWeight() {
        assertRejected(() -> weight(RuntimeState.EMPTY, C, 0), "address",
                "address: \"10.0.0.3:8000\" (expected: a backend of pool web)");
    }

    @Test
    void weight_removedBackend_isRejected() {
        RuntimeState s = remove(RuntimeState.EMPTY, B);

        assertRejected(() -> weight(s, B, 3), "address", "address: \"10.0.0.2:8000\" (expected: a backend of pool web)");
    }

    @Test
    void weight_unknownPool_isRejected() {
        assertRejected(() -> RuntimeChanges.weight(RuntimeState.EMPTY, config, "nope", A, 2), "pool",
                "pool: \"nope\" (expected: one of [web, api])");
    }

    // ---------------------------------------------------------------- admin

    @Test
    void admin_drain_keepsItsDeadline() {
        RuntimeState s = admin(RuntimeState.EMPTY, A, AdminState.DRAIN, 1234L);

        assertThat(s.pool("web").overrides()).containsExactly(new BackendOverride(A, null, AdminState.DRAIN, 1234L));
        EffectiveBackend a = RuntimeChanges.effective(config.pools().get("web"), s.pool("web")).get(0);
        assertThat(a.admin()).isEqualTo(AdminState.DRAIN);
        assertThat(a.drainDeadlineMillis()).isEqualTo(1234L);
    }

    @Test
    void admin_drainWithoutDeadline_hasNone() {
        RuntimeState s = admin(RuntimeState.EMPTY, A, AdminState.DRAIN, null);

        assertThat(s.pool("web").override(A)).isEqualTo(new BackendOverride(A, null, AdminState.DRAIN, null));
    }

    @Test
    void admin_maintenance_ignoresADeadline() {
        RuntimeState s = admin(RuntimeState.EMPTY, B, AdminState.MAINT, 1234L);

        assertThat(s.pool("web").override(B)).isEqualTo(new BackendOverride(B, null, AdminState.MAINT, null));
        assertThat(web(s)).last().isEqualTo("10.0.0.2:8000 w2 v1 maint declared");
    }

    @Test
    void admin_maintenanceAfterDrain_dropsTheDrainDeadline() {
        RuntimeState s = admin(admin(RuntimeState.EMPTY, B, AdminState.DRAIN, 1234L), B, AdminState.MAINT, null);

        assertThat(s.pool("web").override(B)).isEqualTo(new BackendOverride(B, null, AdminState.MAINT, null));
    }

    @Test
    void admin_ready_dropsTheOverride() {
        RuntimeState s = admin(admin(RuntimeState.EMPTY, A, AdminState.DRAIN, 1234L), A, AdminState.READY, 99L);

        assertThat(s.pool("web")).isSameAs(PoolRuntime.NONE);
        assertThat(web(s)).first().isEqualTo("10.0.0.1:8000 w1 v1 ready declared");
    }

    @Test
    void admin_ready_keepsAWeightOverride() {
        RuntimeState s = admin(admin(weight(RuntimeState.EMPTY, A, 4), A, AdminState.MAINT, null), A, AdminState.READY,
                null);

        assertThat(s.pool("web").overrides()).containsExactly(new BackendOverride(A, 4, null, null));
    }

    @Test
    void admin_drainKeepsAWeightOverride() {
        RuntimeState s = admin(weight(RuntimeState.EMPTY, A, 4), A, AdminState.DRAIN, null);

        assertThat(web(s)).first().isEqualTo("10.0.0.1:8000 w4 v1 drain declared");
    }

    @Test
    void admin_addedBackend_isAnOverride() {
        RuntimeState s = admin(add(RuntimeState.EMPTY, C, 5, "v2"), C, AdminState.DRAIN, null);

        assertThat(s.pool("web").overrides()).containsExactly(new BackendOverride(C, null, AdminState.DRAIN, null));
        assertThat(web(s)).last().isEqualTo("10.0.0.3:8000 w5 v2 drain added");
    }

    @Test
    void admin_unknownAddress_isRejected() {
        assertRejected(() -> admin(RuntimeState.EMPTY, C, AdminState.DRAIN, null), "address",
                "address: \"10.0.0.3:8000\" (expected: a backend of pool web)");
    }

    @Test
    void admin_removedBackend_isRejected() {
        RuntimeState s = remove(RuntimeState.EMPTY, A);

        assertRejected(() -> admin(s, A, AdminState.READY, null), "address",
                "address: \"10.0.0.1:8000\" (expected: a backend of pool web)");
    }

    @Test
    void admin_unknownPool_isRejected() {
        assertRejected(() -> RuntimeChanges.admin(RuntimeState.EMPTY, config, "nope", A, AdminState.DRAIN, null), "pool",
                "pool: \"nope\" (expected: one of [web, api])");
    }

    // ---------------------------------------------------------------- every operation

    @Test
    void everyOperation_nullAddress_isRejectedNamingTheAddress() {
        List<ThrowingCallable> operations = List.of(
                () -> add(RuntimeState.EMPTY, null, 1, "v1"),
                () -> remove(RuntimeState.EMPTY, null),
                () -> weight(RuntimeState.EMPTY, null, 1),
                () -> admin(RuntimeState.EMPTY, null, AdminState.DRAIN, null));

        for (ThrowingCallable operation : operations) {
            assertThatThrownBy(operation).isInstanceOfSatisfying(ChangeRejected.class,
                    e -> assertThat(e.field()).isEqualTo("address"));
        }
    }

    @Test
    void everyOperation_incrementsTheRevisionByOne() {
        RuntimeState s0 = RuntimeState.EMPTY;
        RuntimeState s1 = add(s0, C, 1, "v1");
        RuntimeState s2 = weight(s1, C, 3);
        RuntimeState s3 = admin(s2, A, AdminState.DRAIN, null);
        RuntimeState s4 = admin(s3, A, AdminState.READY, null);
        RuntimeState s5 = remove(s4, C);

        assertThat(List.of(s0, s1, s2, s3, s4, s5)).extracting(RuntimeState::revision).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
        assertThat(s5.pools()).isEmpty();
    }

    @Test
    void everyOperation_leavesItsInputAsItWas() {
        RuntimeState before = admin(add(RuntimeState.EMPTY, C, 1, "v1"), A, AdminState.DRAIN, null);
        RuntimeState copy = new RuntimeState(before.revision(), new LinkedHashMap<>(before.pools()));

        add(before, D, 1, "v1");
        remove(before, C);
        weight(before, A, 7);
        admin(before, A, AdminState.READY, null);

        assertThat(before).isEqualTo(copy);
    }

    // ---------------------------------------------------------------- effective

    @Test
    void effective_declaredNotRemovedInConfigOrder_thenAddedInTheOrderOfAddition() {
        RuntimeState s = add(add(remove(RuntimeState.EMPTY, A), D, 1, "v1"), C, 1, "v1");

        assertThat(web(s)).containsExactly("10.0.0.2:8000 w2 v1 ready declared", "10.0.0.4:8000 w1 v1 ready added",
                "10.0.0.3:8000 w1 v1 ready added");
    }

    @Test
    void effective_withoutChanges_isTheConfig() {
        assertThat(RuntimeChanges.effective(config.pools().get("web"), PoolRuntime.NONE))
                .extracting(EffectiveBackend::config).containsExactlyElementsOf(config.pools().get("web").backends());
    }

    @Test
    void effective_appliesWeightAndAdminOverrides() {
        RuntimeState s = admin(weight(admin(RuntimeState.EMPTY, B, AdminState.MAINT, null), A, 10), A,
                AdminState.DRAIN, 5L);

        List<EffectiveBackend> web = RuntimeChanges.effective(config.pools().get("web"), s.pool("web"));

        assertThat(web).containsExactly(
                new EffectiveBackend(new BackendConfig(A, 10, "v1"), AdminState.DRAIN, 5L, true),
                new EffectiveBackend(new BackendConfig(B, 2, "v1"), AdminState.MAINT, null, true));
    }

    // ---------------------------------------------------------------- reconcile

    @Test
    void reconcile_unchangedConfig_returnsTheSameState() {
        RuntimeState s = admin(remove(add(RuntimeState.EMPTY, C, 1, "v1"), A), B, AdminState.DRAIN, null);

        assertThat(RuntimeChanges.reconcile(s, config)).isSameAs(s);
        assertThat(RuntimeChanges.reconcile(RuntimeState.EMPTY, config)).isSameAs(RuntimeState.EMPTY);
    }

    @Test
    void reconcile_poolGone_dropsItsChangesAndKeepsTheOthers() {
        RuntimeState s = RuntimeChanges.admin(add(RuntimeState.EMPTY, C, 1, "v1"), config, "api", X, AdminState.MAINT, null);
        Map<String, PoolConfig> webOnly = new LinkedHashMap<>();
        webOnly.put("web", config.pools().get("web"));

        RuntimeState r = RuntimeChanges.reconcile(s, config(webOnly));

        assertThat(r.pools()).containsOnlyKeys("web");
        assertThat(r.pool("web")).isEqualTo(s.pool("web"));
        assertThat(r.revision()).isEqualTo(s.revision() + 1);
    }

    @Test
    void reconcile_addedBackendNowDeclared_becomesDeclaredKeepingItsAdminState() {
        RuntimeState s = admin(add(RuntimeState.EMPTY, C, 5, "v2"), C, AdminState.DRAIN, 42L);
        GatehouseConfig edited = withWeb(config, p -> withBackends(p, List.of(new BackendConfig(A, 1, "v1"),
                new BackendConfig(C, 3, "v3"), new BackendConfig(B, 2, "v1"))));

        RuntimeState r = RuntimeChanges.reconcile(s, edited);

        assertThat(r.pool("web").added()).isEmpty();
        assertThat(r.pool("web").overrides()).containsExactly(new BackendOverride(C, null, AdminState.DRAIN, 42L));
        assertThat(RuntimeChanges.effective(edited.pools().get("web"), r.pool("web"))).extracting(RuntimeChangesTest::describe)
                .containsExactly("10.0.0.1:8000 w1 v1 ready declared", "10.0.0.3:8000 w3 v3 drain declared",
                        "10.0.0.2:8000 w2 v1 ready declared");
        assertThat(r.revision()).isEqualTo(s.revision() + 1);
    }

    @Test
    void reconcile_addedBackendNowDeclared_canThenBeRemovedAsADeclaredOne() {
        GatehouseConfig edited = withWeb(config, p -> withBackends(p, List.of(new BackendConfig(A, 1, "v1"),
                new BackendConfig(C, 3, "v1"))));
        RuntimeState r = RuntimeChanges.reconcile(add(RuntimeState.EMPTY, C, 5, "v1"), edited);

        RuntimeState s = RuntimeChanges.remove(r, edited, "web", C);

        assertThat(s.pool("web").removed()).containsExactly(C);
    }

    @Test
    void reconcile_removedBackendNoLongerDeclared_isForgotten() {
        RuntimeState s = remove(RuntimeState.EMPTY, B);
        GatehouseConfig edited = withWeb(config, p -> withBackends(p, List.of(new BackendConfig(A, 1, "v1"))));

        RuntimeState r = RuntimeChanges.reconcile(s, edited);

        assertThat(r.pools()).isEmpty();
        assertThat(RuntimeChanges.effective(edited.pools().get("web"), r.pool("web"))).hasSize(1);
    }

    @Test
    void reconcile_overrideOfABackendNoLongerDeclared_isDropped() {
        RuntimeState s = admin(weight(RuntimeState.EMPTY, A, 9), B, AdminState.MAINT, null);
        GatehouseConfig edited = withWeb(config, p -> withBackends(p, List.of(new BackendConfig(B, 2, "v1"))));

        RuntimeState r = RuntimeChanges.reconcile(s, edited);

        assertThat(r.pool("web").overrides()).containsExactly(new BackendOverride(B, null, AdminState.MAINT, null));
    }

    @Test
    void reconcile_removedBackendStillDeclared_staysRemoved() {
        RuntimeState s = remove(RuntimeState.EMPTY, A);
        GatehouseConfig edited = withWeb(config, p -> withBackends(p, List.of(new BackendConfig(A, 5, "v9"),
                new BackendConfig(D, 1, "v1"))));

        RuntimeState r = RuntimeChanges.reconcile(s, edited);

        assertThat(r).isSameAs(s);
        assertThat(RuntimeChanges.effective(edited.pools().get("web"), r.pool("web"))).extracting(RuntimeChangesTest::describe)
                .containsExactly("10.0.0.4:8000 w1 v1 ready declared");
    }

    // ---------------------------------------------------------------- helpers

    private RuntimeState add(RuntimeState s, HostPort address, int weight, String version) {
        return RuntimeChanges.add(s, config, "web", address, weight, version);
    }

    private RuntimeState remove(RuntimeState s, HostPort address) {
        return RuntimeChanges.remove(s, config, "web", address);
    }

    private RuntimeState weight(RuntimeState s, HostPort address, int weight) {
        return RuntimeChanges.weight(s, config, "web", address, weight);
    }

    private RuntimeState admin(RuntimeState s, HostPort address, AdminState admin, Long deadline) {
        return RuntimeChanges.admin(s, config, "web", address, admin, deadline);
    }

    /** Pool {@code web}'s effective backends, one line each. */
    private List<String> web(RuntimeState s) {
        return RuntimeChanges.effective(config.pools().get("web"), s.pool("web")).stream().map(RuntimeChangesTest::describe)
                .toList();
    }

    private static String describe(EffectiveBackend e) {
        return e.config().address() + " w" + e.config().weight() + " " + e.config().version() + " " + e.admin().apiName()
                + " " + (e.declared() ? "declared" : "added");
    }

    private static void assertRejected(ThrowingCallable change, String field, String message) {
        assertThatThrownBy(change).isInstanceOfSatisfying(ChangeRejected.class, e -> assertThat(e.field()).isEqualTo(field))
                .hasMessage(message);
    }
}
