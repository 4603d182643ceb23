package dev.gatehouse.core.state;

import static dev.gatehouse.core.state.StateFixtures.A;
import static dev.gatehouse.core.state.StateFixtures.B;
import static dev.gatehouse.core.state.StateFixtures.C;
import static dev.gatehouse.core.state.StateFixtures.X;
import static dev.gatehouse.core.state.StateFixtures.config;
import static dev.gatehouse.core.state.StateFixtures.withWeb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.config.PanicConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.QueueConfig;
import dev.gatehouse.core.config.RateLimitConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.SlowStartConfig;
import dev.gatehouse.core.config.StickyConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.health.PoolHealth;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Snapshot#next}: config plus runtime changes, what carries over from the previous snapshot
 * and what starts afresh, no side effect before {@link Snapshot#activate()}, and the admin states
 * as {@link PoolHealth} sees them once activated.
 */
final class SnapshotTest {

    private static final StickyConfig STICKY = new StickyConfig(StickyConfig.Mode.COOKIE, "gh_sticky", Duration.ofHours(1),
            null);

    private final FakeClock clock = new FakeClock();
    private final Random random = new Random(7);
    /** Pool web with a sticky cookie (its secret is made at start) and a 10 s ramp from 10 %. */
    private final GatehouseConfig config = withWeb(config(), p -> new PoolConfig(p.name(), p.strategy(), p.backends(),
            p.hash(), p.admission(), STICKY, new HealthConfig(null, null, new SlowStartConfig(Duration.ofSeconds(10), 10),
            PanicConfig.DEFAULTS), p.retry()));

    // ---------------------------------------------------------------- building

    @Test
    void of_isTheConfigWithEveryBackendReadyAndAvailable() {
        Snapshot s = first();

        assertThat(s.generation()).isEqualTo(1);
        assertThat(s.runtime()).isSameAs(RuntimeState.EMPTY);
        assertThat(s.routers()).hasSize(1);
        assertThat(s.pools()).containsOnlyKeys("web", "api");
        assertThat(s.pool("web").members()).extracting(Member::backend).containsExactly(
                new Backend("web", A, 1, "v1", AdminState.READY), new Backend("web", B, 2, "v1", AdminState.READY));
        assertThat(s.pool("web").available()).containsExactlyElementsOf(s.pool("web").members());
    }

    @Test
    void next_appliesTheRuntimeChanges() {
        RuntimeState state = RuntimeChanges.admin(RuntimeChanges.weight(RuntimeChanges.add(RuntimeState.EMPTY, config, "web",
                C, 4, "v2"), config, "web", B, 9), config, "web", A, AdminState.DRAIN, null);

        Snapshot s = next(first(), config, state);

        assertThat(s.generation()).isEqualTo(2);
        assertThat(s.runtime()).isSameAs(state);
        assertThat(s.config()).isSameAs(config);
        assertThat(s.pool("web").members()).extracting(Member::backend).containsExactly(
                new Backend("web", A, 1, "v1", AdminState.DRAIN), new Backend("web", B, 9, "v1", AdminState.READY),
                new Backend("web", C, 4, "v2", AdminState.READY));
        assertThat(s.pool("web").config().backends()).extracting(BackendConfig::address).containsExactly(A, B, C);
    }

    @Test
    void next_keepsEachRoutesRateLimiter_acrossRuntimeChangesAndReloadsThatLeaveItsLimit() {
        RateLimitConfig limit = RateLimitConfig.perClientIp(5, Duration.ofSeconds(1));
        RouteConfig route = new RouteConfig(null, "/login", "web", null, limit);
        GatehouseConfig c = new GatehouseConfig(List.of(new ListenerConfig(
                new HostPort("127.0.0.1", 0), List.of(route))), config.pools(), config.timeouts(), config.limits(),
                config.upstream(), config.forwarding(), config.accessLog());
        Snapshot first = Snapshot.next(null, 1, c, RuntimeState.EMPTY, clock, () -> 0L, random);
        var limiter = first.routers().get(0).match(null, "/login").rateLimiter();
        // A runtime change (a backend drained) builds a new snapshot of the same config.
        RuntimeState drained = RuntimeChanges.admin(RuntimeState.EMPTY, c, "web", A, AdminState.DRAIN, null);
        Snapshot second = Snapshot.next(first, 2, c, drained, clock, () -> 0L, random);
        assertThat(second.routers().get(0).match(null, "/login").rateLimiter()).isSameAs(limiter);
        assertThat(Snapshot.next(null, 3, c, drained, clock, () -> 0L, random).routers().get(0).match(null, "/login")
                .rateLimiter()).isNotSameAs(limiter);
    }

    @Test
    void next_carriesOverEachBackendsLoadByAddress() {
        Snapshot s1 = first();
        RuntimeState state = RuntimeChanges.weight(RuntimeChanges.add(RuntimeChanges.remove(RuntimeState.EMPTY, config, "web",
                A), config, "web", C, 1, "v1"), config, "web", B, 7);

        Snapshot s2 = next(s1, config, state);
        Snapshot s3 = next(s2, config, RuntimeChanges.remove(state, config, "web", C));

        assertThat(load(s2, "web", B)).isSameAs(load(s1, "web", B));
        assertThat(load(s2, "web", C)).isNotNull().isNotSameAs(load(s1, "web", A)).isNotSameAs(load(s1, "web", B));
        assertThat(load(s3, "web", B)).isSameAs(load(s1, "web", B));
        assertThat(load(s3, "api", X)).isSameAs(load(s1, "api", X));
    }

    @Test
    void next_removedThenAddedBackend_startsWithAFreshLoad() {
        Snapshot s1 = first();
        RuntimeState removed = RuntimeChanges.remove(RuntimeState.EMPTY, config, "web", A);
        Snapshot s2 = next(s1, config, removed);

        Snapshot s3 = next(s2, config, RuntimeChanges.add(removed, config, "web", A, 1, "v1"));

        assertThat(load(s3, "web", A)).isNotSameAs(load(s1, "web", A));
    }

    @Test
    void next_unchangedPolicies_sharesTheBalancerAdmissionStickyHealthAndBudget() {
        Snapshot s1 = first();

        Snapshot s2 = next(s1, config, RuntimeChanges.add(RuntimeState.EMPTY, config, "web", C, 1, "v1"));

        assertShared(s1.pool("web"), s2.pool("web"));
        assertThat(s1.pool("web").sticky()).isNotNull();
        assertShared(s1.pool("api"), s2.pool("api"));
    }

    @Test
    void next_editedBackendsWithUnchangedPolicies_sharesThemToo() {
        Snapshot s1 = first();
        GatehouseConfig edited = withWeb(config, p -> StateFixtures.withBackends(p, List.of(new BackendConfig(B, 3, "v2"),
                new BackendConfig(C, 1, "v1"))));

        Snapshot s2 = next(s1, edited, RuntimeState.EMPTY);

        assertShared(s1.pool("web"), s2.pool("web"));
        assertThat(load(s2, "web", B)).isSameAs(load(s1, "web", B));
    }

    static Stream<Arguments> policyChanges() {
        return Stream.<Arguments>of(
                Arguments.of("strategy", (UnaryOperator<PoolConfig>) p -> new PoolConfig(p.name(), Strategy.LEAST_CONNECTIONS,
                        p.backends(), p.hash(), p.admission(), p.sticky(), p.health(), p.retry())),
                Arguments.of("admission", (UnaryOperator<PoolConfig>) p -> new PoolConfig(p.name(), p.strategy(), p.backends(),
                        p.hash(), new AdmissionConfig(10, null, QueueConfig.DEFAULTS, null), p.sticky(), p.health(), p.retry())),
                Arguments.of("sticky", (UnaryOperator<PoolConfig>) p -> new PoolConfig(p.name(), p.strategy(), p.backends(),
                        p.hash(), p.admission(), null, p.health(), p.retry())),
                Arguments.of("health", (UnaryOperator<PoolConfig>) p -> new PoolConfig(p.name(), p.strategy(), p.backends(),
                        p.hash(), p.admission(), p.sticky(), HealthConfig.DEFAULTS, p.retry())),
                Arguments.of("retry", (UnaryOperator<PoolConfig>) p -> new PoolConfig(p.name(), p.strategy(), p.backends(),
                        p.hash(), p.admission(), p.sticky(), p.health(), RetryConfig.OFF)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policyChanges")
    void next_changedPolicies_buildsFreshOnesAndKeepsTheLoads(String policy, UnaryOperator<PoolConfig> change) {
        Snapshot s1 = first();
        GatehouseConfig edited = withWeb(config, change);

        Snapshot s2 = next(s1, edited, RuntimeState.EMPTY);

        PoolSnapshot before = s1.pool("web");
        PoolSnapshot after = s2.pool("web");
        assertThat(after.balancer()).isNotSameAs(before.balancer());
        assertThat(after.admission()).isNotSameAs(before.admission());
        assertThat(after.health()).isNotSameAs(before.health());
        assertThat(after.retryBudget()).isNotSameAs(before.retryBudget());
        if (after.sticky() != null) {
            assertThat(after.sticky()).isNotSameAs(before.sticky());
        }
        assertThat(after.config()).isEqualTo(edited.pools().get("web"));
        assertThat(load(s2, "web", A)).isSameAs(load(s1, "web", A));
        assertThat(after.available()).containsExactlyElementsOf(after.members());
        assertShared(s1.pool("api"), s2.pool("api"));
    }

    @Test
    void next_poolNewInTheConfig_isBuiltAndAPoolGoneIsDropped() {
        Snapshot s1 = first();
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        pools.put("web", config.pools().get("web"));
        pools.put("new", new PoolConfig("new", Strategy.RANDOM, List.of(new BackendConfig(C, 1, "v1"))));

        Snapshot s2 = next(s1, config.withPools(pools), RuntimeState.EMPTY);

        assertThat(s2.pools()).containsOnlyKeys("web", "new");
        assertThat(s2.pool("new").available()).extracting(m -> m.backend().address()).containsExactly(C);
    }

    @Test
    void next_invalidResult_throwsIllegalArgumentException() {
        // What a hand-edited state file could hold: the same backend added twice to a pool.
        PoolRuntime twice = new PoolRuntime(List.of(new BackendConfig(C, 1, "v1"), new BackendConfig(C, 2, "v1")), null, null);
        RuntimeState state = new RuntimeState(1, Map.of("web", twice));

        assertThatThrownBy(() -> next(first(), config, state)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.3:8000");
    }

    @Test
    void next_addingADeclaredAddress_throwsIllegalArgumentException() {
        PoolRuntime declaredAgain = new PoolRuntime(List.of(new BackendConfig(A, 1, "v1")), null, null);

        assertThatThrownBy(() -> next(first(), config, new RuntimeState(1, Map.of("web", declaredAgain))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.1:8000");
    }

    @Test
    void next_addedHostNameDifferingOnlyInCase_throwsIllegalArgumentException() {
        // Host names are case-insensitive: APP.local is the backend the config declares, not another one.
        GatehouseConfig named = withWeb(config, p -> StateFixtures.withBackends(p,
                List.of(new BackendConfig(HostPort.parse("app.local:8000"), 1, "v1"))));
        RuntimeState state = RuntimeChanges.add(RuntimeState.EMPTY, named, "web", HostPort.parse("APP.local:8000"), 1, "v1");

        assertThatThrownBy(() -> next(first(), named, state)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backends[1].address: \"APP.local:8000\" (expected: an address not already used by backends[0])");
    }

    // ---------------------------------------------------------------- activation

    @Test
    void next_changesNothingSharedUntilActivated() {
        Snapshot s1 = first();
        PoolHealth health = s1.pool("web").health();
        List<Member> members = health.members();
        List<Member> available = health.available();
        RuntimeState state = RuntimeChanges.admin(RuntimeChanges.remove(RuntimeChanges.add(RuntimeState.EMPTY, config, "web",
                C, 1, "v1"), config, "web", B), config, "web", A, AdminState.DRAIN, null);

        Snapshot s2 = next(s1, config, state);

        assertThat(s2.pool("web").health()).isSameAs(health);
        assertThat(health.members()).isSameAs(members);
        assertThat(health.available()).isSameAs(available);
        assertThat(health.status(s1.pool("web").members().get(0)).state()).isEqualTo(BackendState.HEALTHY);
        assertThat(s1.pool("web").members()).extracting(m -> m.backend().address()).containsExactly(A, B);

        s2.activate();

        assertThat(health.members()).isEqualTo(s2.pool("web").members());
        assertThat(health.available()).extracting(m -> m.backend().address()).containsExactly(C);
    }

    @Test
    void drainedBackend_leavesTheAvailableSetOnceActivated() {
        Snapshot s2 = activated(first(), RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", A, AdminState.DRAIN, null));

        PoolSnapshot web = s2.pool("web");
        assertThat(web.available()).extracting(m -> m.backend().address()).containsExactly(B);
        assertThat(web.health().inService()).extracting(m -> m.backend().address()).containsExactly(B);
        assertThat(web.health().status(web.members().get(0)).state()).isEqualTo(BackendState.DRAINING);
        assertThat(web.health().panicking()).isFalse();
    }

    @Test
    void backendInMaintenance_leavesTheAvailableSetOnceActivated() {
        Snapshot s2 = activated(first(), RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", B, AdminState.MAINT, null));

        PoolSnapshot web = s2.pool("web");
        assertThat(web.available()).extracting(m -> m.backend().address()).containsExactly(A);
        assertThat(web.health().status(web.members().get(1)).state()).isEqualTo(BackendState.MAINTENANCE);
    }

    @Test
    void everyBackendDrained_leavesNothingAvailableWithoutPanic() {
        RuntimeState state = RuntimeChanges.admin(RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", A, AdminState.DRAIN,
                null), config, "web", B, AdminState.MAINT, null);

        PoolSnapshot web = activated(first(), state).pool("web");

        assertThat(web.available()).isEmpty();
        assertThat(web.health().panicking()).isFalse();
    }

    @Test
    void drainedBackendBackToReady_rampsUp() {
        RuntimeState drained = RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", A, AdminState.DRAIN, null);
        Snapshot s2 = activated(first(), drained);
        clock.advanceMillis(60_000);

        Snapshot s3 = activated(s2, RuntimeChanges.admin(drained, config, "web", A, AdminState.READY, null));

        PoolSnapshot web = s3.pool("web");
        Member a = web.members().get(0);
        assertThat(web.available()).containsExactlyElementsOf(web.members());
        assertThat(web.health().status(a).state()).isEqualTo(BackendState.SLOW_STARTING);
        assertThat(web.health().share(a)).isEqualTo(0.1);
        assertThat(web.health().share(web.members().get(1))).isEqualTo(1.0);
        clock.advanceMillis(10_000);
        assertThat(web.health().status(a).state()).isEqualTo(BackendState.HEALTHY);
    }

    @Test
    void weightChange_isNoReturnToServiceAndDoesNotRamp() {
        Snapshot s2 = activated(first(), RuntimeChanges.weight(RuntimeState.EMPTY, config, "web", A, 50));

        PoolSnapshot web = s2.pool("web");
        assertThat(web.members().get(0).weight()).isEqualTo(50);
        assertThat(web.health().status(web.members().get(0)).state()).isEqualTo(BackendState.HEALTHY);
    }

    // ---------------------------------------------------------------- helpers

    private Snapshot first() {
        Snapshot s = Snapshot.of(1, config, clock, () -> 1_700_000_000L, random);
        s.activate();
        return s;
    }

    private Snapshot next(Snapshot previous, GatehouseConfig c, RuntimeState state) {
        return Snapshot.next(previous, previous.generation() + 1, c, state, clock, () -> 1_700_000_000L, random);
    }

    private Snapshot activated(Snapshot previous, RuntimeState state) {
        Snapshot s = next(previous, config, state);
        s.activate();
        return s;
    }

    private static BackendLoad load(Snapshot s, String pool, HostPort address) {
        return s.pool(pool).members().stream().filter(m -> m.backend().address().equals(address)).findFirst()
                .map(Member::load).orElse(null);
    }

    private static void assertShared(PoolSnapshot before, PoolSnapshot after) {
        assertThat(after).isNotSameAs(before);
        assertThat(after.balancer()).isSameAs(before.balancer());
        assertThat(after.admission()).isSameAs(before.admission());
        assertThat(after.sticky()).isSameAs(before.sticky());
        assertThat(after.health()).isSameAs(before.health());
        assertThat(after.retryBudget()).isSameAs(before.retryBudget());
    }
}
