package dev.gatehouse.core.request;

import dev.gatehouse.core.balance.Member;
import java.util.List;

/**
 * Where a new request may go: what admission control and the balancer are given.
 *
 * @param candidates the members the request may be placed on; the pool's own list object when it
 *                   is one of them, because admission control and balancers cache by its identity
 * @param pinned     the member a session binds the request to (sticky cookie, canary session or
 *                   version affinity), or {@code null} to let the balancer pick
 */
public record Target(List<Member> candidates, Member pinned) {

    /** Validates and copies (an immutable list, as the pool's are, is kept as the same object). */
    public Target {
        candidates = List.copyOf(candidates);
    }
}
