package dev.gatehouse.core.request;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.PoolVersions;
import dev.gatehouse.core.sticky.StickyCookies;
import dev.gatehouse.core.time.WallClock;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Chooses the candidates of a new request and the member it is pinned to, from the snapshot the
 * request took at arrival. In order: a valid sticky cookie naming an available member pins the
 * request to it; otherwise, while the pool has a canary, a cookie naming an available canary member
 * keeps that session on the canary, and any other request goes to the canary with the canary's
 * share of probability; otherwise, after a fast cutover and until the pool's affinity deadline, a
 * cookie naming a registered, in-service backend of the previous version keeps the session there.
 * A cookie that is forged, expired or names a backend that is gone counts as no cookie at all.
 * Thread-safe when the random source is.
 */
public final class TargetChooser {

    private final WallClock wall;
    private final RandomGenerator random;

    /**
     * @param wall   calendar time, compared with the pool's version-affinity deadline
     * @param random draws the canary's share; must be thread-safe if the chooser is shared
     */
    public TargetChooser(WallClock wall, RandomGenerator random) {
        this.wall = Objects.requireNonNull(wall, "wall");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Chooses where a new request may go.
     *
     * @param pool         the pool's snapshot taken at the request's arrival
     * @param stickyCookie the value of the pool's sticky cookie in the request (see
     *                     {@link dev.gatehouse.core.balance.Cookies#find}), or {@code null} when
     *                     absent or the pool has no sticky cookies
     * @return the candidates and the pinned member, if any
     */
    public Target choose(PoolSnapshot pool, String stickyCookie) {
        StickyCookies sticky = pool.sticky();
        List<Member> candidates = pool.available();
        Member pinned = sticky == null ? null : sticky.find(stickyCookie, candidates);
        PoolVersions versions = pool.versions();
        if (pinned == null && versions != null && versions.canary() != null) {
            List<Member> canary = pool.health().canaryAvailable();
            Member onCanary = sticky == null ? null : sticky.find(stickyCookie, canary);
            if (onCanary != null) {
                // A session bound to the canary stays with it, whatever the draw would say.
                pinned = onCanary;
                candidates = canary;
            } else if (!canary.isEmpty() && random.nextInt(100) < versions.canaryPercent()) {
                candidates = canary;
            }
        }
        if (pinned == null && sticky != null) {
            Member previous = affinityMember(pool, sticky, stickyCookie);
            if (previous != null) {
                pinned = previous;
                candidates = List.of(previous);
            }
        }
        return new Target(candidates, pinned);
    }

    /**
     * Version affinity: after a fast cutover, a client whose cookie names a backend of the previous
     * version stays on it until the pool's affinity deadline, while that backend is registered and
     * in service; null otherwise (then the response rebinds the cookie to the live version).
     */
    private Member affinityMember(PoolSnapshot pool, StickyCookies sticky, String stickyCookie) {
        PoolVersions versions = pool.versions();
        if (versions == null || versions.previous() == null || versions.affinityUntilSeconds() <= wall.epochSeconds()) {
            return null;
        }
        // Among all members, not the available ones: the previous version's backends are idle,
        // so they are never in the available set.
        Member m = sticky.find(stickyCookie, pool.members());
        return m != null && m.backend().version().equals(versions.previous())
                && m.backend().admin() == AdminState.READY ? m : null;
    }

    /**
     * The epoch of the version that served a response: the arrival snapshot's, or the current one
     * when the request was held through a cutover and its backend is of the version live now.
     *
     * @param atArrival the pool's snapshot taken at the request's arrival
     * @param now       the pool's current snapshot, or {@code null} when the pool is gone
     * @param backend   the backend that served the response
     */
    public static long servedEpoch(PoolSnapshot atArrival, PoolSnapshot now, Backend backend) {
        long arrival = atArrival.epoch();
        if (now != null && now.epoch() != arrival && backend.version().equals(now.liveVersion())) {
            return now.epoch();
        }
        return arrival;
    }
}
