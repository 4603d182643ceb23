package dev.gatehouse.core.request;

import static dev.gatehouse.core.request.RequestFixtures.A;
import static dev.gatehouse.core.request.RequestFixtures.B;
import static dev.gatehouse.core.request.RequestFixtures.C;
import static dev.gatehouse.core.request.RequestFixtures.STICKY;
import static dev.gatehouse.core.request.RequestFixtures.config;
import static dev.gatehouse.core.request.RequestFixtures.member;
import static dev.gatehouse.core.request.RequestFixtures.web;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HealthConfig;
import dev.gatehouse.core.config.RetryConfig;
import dev.gatehouse.core.config.StickyConfig;
import dev.gatehouse.core.request.RequestFixtures.ScriptedRandom;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.sticky.StickyCookies;
import dev.gatehouse.core.time.FakeClock;
import dev.gatehouse.core.time.WallClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sticky pins, canary shares and version affinity, on a fake wall clock and scripted draws. */
final class TargetChooserTest {

    private final FakeClock clock = new FakeClock();
    private long nowSeconds = 1_700_000_000L;
    private final WallClock wall = () -> nowSeconds;
    /** A, B of v1 (live), sticky cookies. */
    private final GatehouseConfig config = config(web(
            List.of(new BackendConfig(A, 1, "v1"), new BackendConfig(B, 1, "v1")), STICKY, HealthConfig.DEFAULTS,
            RetryConfig.DEFAULTS));
    /** {@link #config} plus C of v2, registered. */
    private final RuntimeState withC = RuntimeChanges.add(RuntimeState.EMPTY, config, "web", C, 1, "v2");

    private Snapshot snapshot(RuntimeState state) {
        return RequestFixtures.snapshot(null, config, state, clock, wall);
    }

    private static String cookieFor(Snapshot s, dev.gatehouse.core.config.HostPort address) {
        return s.pool("web").sticky().issue(member(s, address));
    }

    // ---------------------------------------------------------------- sticky cookies

    @Test
    void choose_withoutStickyCookies_offersTheAvailableMembersUnpinned() {
        GatehouseConfig plain = config(web(List.of(new BackendConfig(A, 1, "v1"), new BackendConfig(B, 1, "v1")), null,
                HealthConfig.DEFAULTS, RetryConfig.DEFAULTS));
        PoolSnapshot pool = RequestFixtures.snapshot(null, plain, RuntimeState.EMPTY, clock, wall).pool("web");

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(pool, "anything");

        // The same list object: admission control and balancers cache by its identity.
        assertThat(target.candidates()).isSameAs(pool.available());
        assertThat(target.pinned()).isNull();
    }

    @Test
    void choose_withAValidCookie_pinsItsMember_amongTheAvailableOnes() {
        Snapshot s = snapshot(RuntimeState.EMPTY);
        PoolSnapshot pool = s.pool("web");

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(pool, cookieFor(s, B));

        assertThat(target.pinned()).isSameAs(member(s, B));
        assertThat(target.candidates()).isSameAs(pool.available());
    }

    @Test
    void choose_withAnAbsentMalformedOrForgedCookie_pinsNothing() {
        Snapshot s = snapshot(RuntimeState.EMPTY);
        PoolSnapshot pool = s.pool("web");
        String valid = cookieFor(s, B);
        String tampered = valid.substring(0, valid.length() - 2) + (valid.endsWith("AA") ? "BB" : "AA");
        String otherKey = StickyCookies.create("another secret of sixteen+", StickyConfig.DEFAULT_COOKIE,
                Duration.ofHours(1), wall).issue(member(s, B));
        TargetChooser chooser = new TargetChooser(wall, new ScriptedRandom());

        for (String cookie : Arrays.asList(null, "", "garbage", "a.b.c", tampered, otherKey)) {
            Target target = chooser.choose(pool, cookie);
            assertThat(target.pinned()).as("cookie %s", cookie).isNull();
            assertThat(target.candidates()).as("cookie %s", cookie).isSameAs(pool.available());
        }
    }

    @Test
    void choose_withAnExpiredCookie_pinsNothing() {
        Snapshot s = snapshot(RuntimeState.EMPTY);
        String cookie = cookieFor(s, B);
        TargetChooser chooser = new TargetChooser(wall, new ScriptedRandom());

        nowSeconds += Duration.ofHours(1).toSeconds();
        assertThat(chooser.choose(s.pool("web"), cookie).pinned()).isSameAs(member(s, B));
        nowSeconds += 1;
        assertThat(chooser.choose(s.pool("web"), cookie).pinned()).isNull();
    }

    @Test
    void choose_withACookieOfABackendInMaintenance_pinsNothing() {
        Snapshot before = snapshot(RuntimeState.EMPTY);
        String cookie = cookieFor(before, B);
        Snapshot after = RequestFixtures.snapshot(before, config,
                RuntimeChanges.admin(RuntimeState.EMPTY, config, "web", B, AdminState.MAINT, null), clock, wall);

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(after.pool("web"), cookie);

        assertThat(target.pinned()).isNull();
        assertThat(target.candidates()).containsExactly(member(after, A));
    }

    // ---------------------------------------------------------------- canary

    @Test
    void choose_duringACanary_sendsItsShareThere_byTheDraw() {
        PoolSnapshot pool = snapshot(RuntimeChanges.canary(withC, config, "web", "v2", 10)).pool("web");
        ScriptedRandom random = new ScriptedRandom(9, 10);
        TargetChooser chooser = new TargetChooser(wall, random);

        Target drawn9 = chooser.choose(pool, null);
        Target drawn10 = chooser.choose(pool, null);

        assertThat(drawn9.candidates()).isSameAs(pool.health().canaryAvailable());
        assertThat(drawn9.candidates()).extracting(m -> m.backend().address()).containsExactly(C);
        assertThat(drawn9.pinned()).isNull();
        assertThat(drawn10.candidates()).isSameAs(pool.available());
        assertThat(drawn10.candidates()).extracting(m -> m.backend().address()).containsExactly(A, B);
        assertThat(drawn10.pinned()).isNull();
        assertThat(random.left()).isZero();
    }

    @Test
    void choose_aSessionBoundToTheCanary_staysThere_withoutADraw() {
        Snapshot s = snapshot(RuntimeChanges.canary(withC, config, "web", "v2", 10));
        PoolSnapshot pool = s.pool("web");

        // An empty script fails on any draw.
        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(pool, cookieFor(s, C));

        assertThat(target.pinned()).isSameAs(member(s, C));
        assertThat(target.candidates()).isSameAs(pool.health().canaryAvailable());
    }

    @Test
    void choose_aSessionBoundToTheLiveVersion_duringACanary_staysThere_withoutADraw() {
        Snapshot s = snapshot(RuntimeChanges.canary(withC, config, "web", "v2", 50));
        PoolSnapshot pool = s.pool("web");

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(pool, cookieFor(s, A));

        assertThat(target.pinned()).isSameAs(member(s, A));
        assertThat(target.candidates()).isSameAs(pool.available());
    }

    @Test
    void choose_aCanaryWithoutAnAvailableMember_takesNothing_andDrawsNothing() {
        RuntimeState canary = RuntimeChanges.canary(withC, config, "web", "v2", 99);
        PoolSnapshot pool = snapshot(RuntimeChanges.admin(canary, config, "web", C, AdminState.MAINT, null)).pool("web");

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(pool, null);

        assertThat(target.candidates()).isSameAs(pool.available());
        assertThat(target.pinned()).isNull();
    }

    // ---------------------------------------------------------------- version affinity

    /** Before: live v1 (A, B) with C of v2 registered; after: a fast cutover to v2 with affinity for 60 s. */
    private Snapshot[] cutover(RuntimeState before, long affinitySeconds) {
        Snapshot s0 = snapshot(before);
        RuntimeState after = RuntimeChanges.live(before, config, "web", "v2",
                affinitySeconds == 0 ? 0 : nowSeconds + affinitySeconds);
        return new Snapshot[] {s0, RequestFixtures.snapshot(s0, config, after, clock, wall)};
    }

    @Test
    void choose_afterAFastCutover_keepsASessionOfThePreviousVersion_untilTheAffinityDeadline() {
        Snapshot[] s = cutover(withC, 60);
        String cookie = cookieFor(s[0], A);
        PoolSnapshot pool = s[1].pool("web");
        TargetChooser chooser = new TargetChooser(wall, new ScriptedRandom());

        nowSeconds += 59;
        Target during = chooser.choose(pool, cookie);
        nowSeconds += 1;
        Target after = chooser.choose(pool, cookie);

        assertThat(during.pinned()).isSameAs(member(s[1], A));
        assertThat(during.candidates()).containsExactly(member(s[1], A));
        assertThat(after.pinned()).isNull();
        assertThat(after.candidates()).isSameAs(pool.available());
        assertThat(after.candidates()).extracting(m -> m.backend().address()).containsExactly(C);
    }

    @Test
    void choose_afterACutoverWithoutAffinity_movesASessionOfThePreviousVersion() {
        Snapshot[] s = cutover(withC, 0);

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(s[1].pool("web"), cookieFor(s[0], A));

        assertThat(target.pinned()).isNull();
        assertThat(target.candidates()).isSameAs(s[1].pool("web").available());
    }

    @Test
    void choose_afterACutover_pinsASessionOfTheLiveVersionAsUsual() {
        Snapshot[] s = cutover(withC, 60);
        PoolSnapshot pool = s[1].pool("web");

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(pool, cookieFor(s[1], C));

        assertThat(target.pinned()).isSameAs(member(s[1], C));
        assertThat(target.candidates()).isSameAs(pool.available());
    }

    @ParameterizedTest
    @EnumSource(value = AdminState.class, names = {"DRAIN", "MAINT"})
    void choose_versionAffinity_ignoresABackendTakenOutOfService(AdminState admin) {
        Snapshot[] s = cutover(withC, 60);
        String cookie = cookieFor(s[0], A);
        RuntimeState out = RuntimeChanges.admin(s[1].runtime(), config, "web", A, admin, null);
        PoolSnapshot pool = RequestFixtures.snapshot(s[1], config, out, clock, wall).pool("web");

        Target target = new TargetChooser(wall, new ScriptedRandom()).choose(pool, cookie);

        assertThat(target.pinned()).isNull();
        assertThat(target.candidates()).isSameAs(pool.available());
    }

    // ---------------------------------------------------------------- served epoch

    @Test
    void servedEpoch_isTheArrivalEpoch_unlessHeldThroughACutoverOntoTheNewVersion() {
        Snapshot[] s = cutover(withC, 0);
        PoolSnapshot before = s[0].pool("web");
        PoolSnapshot after = s[1].pool("web");
        var a = member(s[0], A).backend();
        var c = member(s[1], C).backend();

        assertThat(before.epoch()).isZero();
        assertThat(after.epoch()).isEqualTo(1);
        // Held at admission through the cutover, then served by the new live version.
        assertThat(TargetChooser.servedEpoch(before, after, c)).isEqualTo(1);
        // In flight on the old version while the cutover happened.
        assertThat(TargetChooser.servedEpoch(before, after, a)).isZero();
        assertThat(TargetChooser.servedEpoch(before, null, c)).isZero();
        assertThat(TargetChooser.servedEpoch(after, after, c)).isEqualTo(1);
    }
}
