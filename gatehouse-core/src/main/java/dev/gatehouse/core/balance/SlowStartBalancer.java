package dev.gatehouse.core.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Slow start for any strategy: each member that is ramping up with share {@code s} is offered to
 * the inner balancer for a request with probability {@code s}, so it gets about {@code s} times the
 * traffic the strategy would give it, whatever the strategy (weights alone could not do this for
 * round robin, and least-loaded strategies would flood an idle newcomer). Members are held back
 * before the inner balancer picks, not by rejecting its pick and asking again: a second pick would
 * move a round robin's turn twice and offer the newcomer twice as often. Costs one clock read per
 * pick while nobody ramps.
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
        if (candidates.size() < 2 || !ramp.active()) {
            return inner.pick(candidates, context);
        }
        List<Member> offered = null;
        for (int i = 0; i < candidates.size(); i++) {
            Member m = candidates.get(i);
            double share = ramp.share(m);
            if (share < 1.0 && random.nextDouble() >= share) {
                if (offered == null) {
                    offered = new ArrayList<>(candidates.subList(0, i));
                }
            } else if (offered != null) {
                offered.add(m);
            }
        }
        // Every candidate ramping and all held back this time: the request still needs one.
        return inner.pick(offered == null || offered.isEmpty() ? candidates : offered, context);
    }

    /** The balancer it wraps. */
    Balancer inner() {
        return inner;
    }
}
