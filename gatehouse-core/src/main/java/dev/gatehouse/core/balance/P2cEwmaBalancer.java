package dev.gatehouse.core.balance;

import dev.gatehouse.core.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Power of two choices over peak-EWMA latency (Finagle, Linkerd): draw two distinct candidates
 * uniformly at random and take the cheaper, where
 * {@code cost = (inFlight + 1) * latency / weight} and the latency is
 * {@link BackendLoad#latencyNanos(long)} at the clock's current time. Equal costs: either one, at
 * random. One candidate: that one.
 *
 * <p>The two are drawn uniformly, not in proportion to weight, on purpose: weight already divides
 * the cost, so weighted drawing would count it twice. With the cost alone, the steady state under
 * load is {@code (inFlight + 1) * latency} proportional to weight, i.e. in-flight load in
 * proportion to weight on equally fast backends. A consequence of drawing two: the most expensive
 * candidate is never picked (unless costs are equal), and any one candidate is drawn with
 * probability 2/n.
 *
 * <p>Thread-safety: stateless; reads two loads per pick. The injected random source must be
 * thread-safe.
 */
final class P2cEwmaBalancer implements Balancer {

    private final Clock clock;
    private final RandomGenerator random;

    P2cEwmaBalancer(Clock clock, RandomGenerator random) {
        this.clock = clock;
        this.random = random;
    }

    @Override
    public Member pick(List<Member> candidates, PickContext context) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        Member a = candidates.get(i);
        Member b = candidates.get(j);
        long now = clock.nanoTime();
        // cost(a) < cost(b), both sides multiplied by weight(a) * weight(b)
        double costA = (a.load().inFlight() + 1.0) * a.load().latencyNanos(now) * b.weight();
        double costB = (b.load().inFlight() + 1.0) * b.load().latencyNanos(now) * a.weight();
        if (costA < costB) {
            return a;
        }
        if (costB < costA) {
            return b;
        }
        return random.nextBoolean() ? a : b;
    }
}
