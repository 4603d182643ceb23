package dev.gatehouse.core.state;

import dev.gatehouse.core.admission.PoolAdmission;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.sticky.StickyCookies;
import dev.gatehouse.core.balance.Member;
import java.util.List;
import java.util.Objects;

/**
 * One pool at one moment.
 *
 * @param name     the pool's name
 * @param members  the backends that may take new requests, in config order, with their live load
 * @param balancer  picks among {@code members}; shared by successive snapshots of the pool
 * @param admission concurrency limits and the queue; shared by successive snapshots of the pool
 * @param sticky    sticky-session cookies, or null when the pool does not use them
 */
public record PoolSnapshot(String name, List<Member> members, Balancer balancer, PoolAdmission admission,
                           StickyCookies sticky) {

    /** Validates and copies. */
    public PoolSnapshot {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        Objects.requireNonNull(balancer, "balancer");
        Objects.requireNonNull(admission, "admission");
    }
}
