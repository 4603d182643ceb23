package dev.gatehouse.core.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A random candidate, in proportion to weight: one draw in {@code [0, total weight)} and a scan for
 * the member whose cumulative weight covers it. O(candidates) per pick, no state.
 *
 * <p>Thread-safety: stateless; the injected random source must be thread-safe.
 */
final class RandomBalancer implements Balancer {

    private final RandomGenerator random;

    RandomBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public Member pick(List<Member> candidates, PickContext context) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += candidates.get(i).weight();
        }
        long draw = random.nextLong(total);
        for (int i = 0; i < n - 1; i++) {
            draw -= candidates.get(i).weight();
            if (draw < 0) {
                return candidates.get(i);
            }
        }
        return candidates.get(n - 1);
    }
}
