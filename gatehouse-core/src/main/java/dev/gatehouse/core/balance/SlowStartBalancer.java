package dev.gatehouse.core.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Slow start for any strategy: when the inner balancer picks a member that is ramping up with
 * share {@code s}, the pick stands with probability {@code s}; otherwise the inner balancer picks
 * again among the other candidates. A ramping member so gets {@code s} times the traffic the
 * strategy would give it, whatever the strategy (weights alone could not do this for round robin,
 * and least-loaded strategies would flood an idle newcomer). Costs nothing while nobody ramps.
 */
final class SlowStartBalancer implements Balancer {

    private final Balancer inner;
    private final SlowStart ramp;
    private final RandomGenerator random;

    SlowStartBalancer(Balancer inner, SlowStart ramp, RandomGenerator random) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.ramp = Objects.requireNonNull(ramp, "ramp");
        this.random = Objects.requireNonNull(random, "random");
    }

    @Override
    public Member pick(List<Member> candidates, PickContext context) {
        Member m = inner.pick(candidates, context);
        if (m == null || candidates.size() < 2) {
            return m;
        }
        double share = ramp.share(m);
        if (share >= 1.0 || random.nextDouble() < share) {
            return m;
        }
        List<Member> others = new ArrayList<>(candidates);
        others.remove(m);
        Member other = inner.pick(others, context);
        return other != null ? other : m;
    }

    /** The balancer it wraps. */
    Balancer inner() {
        return inner;
    }
}
