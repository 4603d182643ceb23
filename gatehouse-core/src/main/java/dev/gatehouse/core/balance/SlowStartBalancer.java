package dev.gatehouse.core.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Slow start for any strategy: when the inner balancer picks a member that is ramping up with
 * share {@code s}, the pick stands with probability {@code s}; otherwise the inner balancer picks
 * again (its new pick subject to its own share), among the other candidates if it insists on the
 * same member. A ramping member so gets {@code s} times the traffic the strategy would give it,
 * whatever the strategy (weights alone could not do this for round robin, and least-loaded
 * strategies would flood an idle newcomer); with a rotation (round robin), which comes back to it
 * sooner when it declines, that is {@code s} times the traffic of each member at its full share,
 * as if its weight were scaled by {@code s}. Costs nothing while nobody ramps.
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
        if (m == null || candidates.size() < 2 || keeps(m)) {
            return m;
        }
        // Ask again over the same candidates, each answer subject to its own share: a rotation
        // (round robin) then moves on to the member whose turn was next. Asked over a shorter list,
        // it would land anywhere in it, and the member after the ramping one would lose most of its
        // turns to the others. A strategy that insists on the declined member (a hash, the least
        // loaded) picks among the others instead.
        for (int i = 1; i < candidates.size(); i++) {
            Member again = inner.pick(candidates, context);
            if (again == null || again == m) {
                break;
            }
            if (keeps(again)) {
                return again;
            }
        }
        List<Member> others = new ArrayList<>(candidates);
        others.remove(m);
        Member other = inner.pick(others, context);
        return other != null ? other : m;
    }

    /** Whether a pick of the member stands: always at its full share, else with the probability of its share. */
    private boolean keeps(Member m) {
        double share = ramp.share(m);
        return share >= 1.0 || random.nextDouble() < share;
    }

    /** The balancer it wraps. */
    Balancer inner() {
        return inner;
    }
}
