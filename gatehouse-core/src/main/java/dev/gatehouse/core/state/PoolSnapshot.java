package dev.gatehouse.core.state;

import dev.gatehouse.core.admission.PoolAdmission;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.health.PoolHealth;
import dev.gatehouse.core.health.RetryBudget;
import dev.gatehouse.core.sticky.StickyCookies;
import java.util.List;
import java.util.Objects;

/**
 * One pool at one moment. The members are fixed for the snapshot; which of them take new requests
 * right now is {@code health.available()}, which changes between snapshots as backends fail and
 * recover.
 *
 * @param name        the pool's name
 * @param config      the pool's configuration (policies, retries)
 * @param members     every backend of the pool, in config order, with its live load
 * @param balancer    picks among available members (slow start included); shared by successive
 *                    snapshots of the pool
 * @param admission   concurrency limits and the queue; shared by successive snapshots of the pool
 * @param sticky      sticky-session cookies, or null when the pool does not use them
 * @param health      the backends' health and the available set; shared by successive snapshots
 * @param retryBudget how many retries the pool may still make; shared by successive snapshots
 * @param versions    the live version and epoch, or null when the pool was never cut over (every
 *                    backend serves); members of other versions are registered but take nothing
 */
public record PoolSnapshot(String name, PoolConfig config, List<Member> members, Balancer balancer,
                           PoolAdmission admission, StickyCookies sticky, PoolHealth health, RetryBudget retryBudget,
                           PoolVersions versions) {

    /** Validates and copies. */
    public PoolSnapshot {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        members = List.copyOf(members);
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(retryBudget, "retryBudget");
    }

    /** A pool never cut over. */
    public PoolSnapshot(String name, PoolConfig config, List<Member> members, Balancer balancer, PoolAdmission admission,
                        StickyCookies sticky, PoolHealth health, RetryBudget retryBudget) {
        this(name, config, members, balancer, admission, sticky, health, retryBudget, null);
    }

    /** The live version, or null when every backend serves. */
    public String liveVersion() {
        return versions == null ? null : versions.live();
    }

    /**
     * The version that serves: the live one, or before any cutover the version every member
     * carries; null when members of several versions all serve. What a versioned static root is
     * filled with, so that a pool's assets are its app's.
     */
    public String servingVersion() {
        if (versions != null) {
            return versions.live();
        }
        String common = null;
        for (Member m : members) {
            String v = m.backend().version();
            if (common == null) {
                common = v;
            } else if (!common.equals(v)) {
                return null;
            }
        }
        return common;
    }

    /** The pool's epoch: 0 before its first cutover. */
    public long epoch() {
        return versions == null ? 0 : versions.epoch();
    }

    /** The members that take new requests now (see {@link PoolHealth#available()}). */
    public List<Member> available() {
        return health.available();
    }
}
