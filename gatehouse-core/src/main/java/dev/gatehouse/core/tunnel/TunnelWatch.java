package dev.gatehouse.core.tunnel;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.TunnelsConfig;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.PoolVersions;

/**
 * Watches one open tunnel for its backend leaving service, and says when the pool's policy wants
 * it ended.
 *
 * <p>A tunnel's backend is in service while it is a member of the pool, ready (not draining, not in
 * maintenance), and of a version that serves: the live one, the canary, or the previous one while
 * version affinity lasts (its sticky clients still go there). From the first look that finds it out
 * of service, a {@code close} pool gives the tunnel its grace, then ends it; a {@code keep} pool
 * never does. A backend that comes back into service before the grace ends (a rollback, a drain
 * undone) resets the count.
 *
 * <p>Not thread-safe: one caller (the node's tunnel sweep) looks at a given watch at a time.
 */
public final class TunnelWatch {

    private final String pool;
    private final HostPort backend;
    private final String version;
    /** When the backend was first seen out of service (monotonic nanos), or -1 while it is in service. */
    private long leftServiceAt = -1;

    /**
     * @param pool    the pool the tunnel was routed through
     * @param backend the backend it is open to
     * @param version that backend's version label
     */
    public TunnelWatch(String pool, HostPort backend, String version) {
        this.pool = pool;
        this.backend = backend;
        this.version = version;
    }

    /** The pool the tunnel was routed through. */
    public String pool() {
        return pool;
    }

    /** The backend the tunnel is open to. */
    public HostPort backend() {
        return backend;
    }

    /** The version of that backend. */
    public String version() {
        return version;
    }

    /**
     * Looks at the pool as it is now.
     *
     * @param now            the pool in the current snapshot, or null when the pool is gone
     * @param nowNanos       the monotonic clock
     * @param nowEpochSecond the wall clock (version affinity is in calendar time)
     * @return whether the tunnel must be ended now
     */
    public boolean mustClose(PoolSnapshot now, long nowNanos, long nowEpochSecond) {
        if (inService(now, nowEpochSecond)) {
            leftServiceAt = -1;
            return false;
        }
        if (leftServiceAt < 0) {
            leftServiceAt = nowNanos;
        }
        TunnelsConfig policy = now == null ? TunnelsConfig.DEFAULTS : now.config().tunnels();
        if (now == null) {
            // The pool itself went away (a reload): nothing routes there any more.
            return true;
        }
        return policy.onCutover() == TunnelsConfig.OnCutover.CLOSE
                && nowNanos - leftServiceAt >= policy.grace().toNanos();
    }

    /** Whether the tunnel's backend is out of service since an earlier look (for status). */
    public boolean leftService() {
        return leftServiceAt >= 0;
    }

    private boolean inService(PoolSnapshot now, long nowEpochSecond) {
        if (now == null) {
            return false;
        }
        Member member = null;
        for (Member m : now.members()) {
            if (m.backend().address().equals(backend)) {
                member = m;
                break;
            }
        }
        if (member == null || member.backend().admin() != AdminState.READY) {
            return false;
        }
        PoolVersions versions = now.versions();
        if (versions == null) {
            // Never cut over: every backend serves.
            return true;
        }
        return version.equals(versions.live()) || version.equals(versions.canary())
                || (version.equals(versions.previous()) && versions.affinityUntilSeconds() > nowEpochSecond);
    }
}
