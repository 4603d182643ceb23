package dev.gatehouse.core.balance;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The candidate with the fewest requests in flight relative to its weight: the lowest
 * {@code inFlight / weight}, compared as {@code inFlightA * weightB < inFlightB * weightA} in
 * {@code long} arithmetic, so no rounding. Ties are broken uniformly at random by reservoir
 * sampling in the same single pass (the k-th tied candidate replaces the choice with probability
 * 1/k), so idle members share traffic evenly instead of the first one taking it all.
 *
 * <p>Thread-safety: stateless; each member's in-flight count is read once per pick. Loads change
 * concurrently, so "fewest" is as of the reads; the injected random source must be thread-safe.
 */
final class LeastConnectionsBalancer implements Balancer {

    private final RandomGenerator random;

    LeastConnectionsBalancer(RandomGenerator random) {
        this.random = random;
    }

    @Override
    public Member pick(List<Member> candidates, PickContext context) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        Member best = null;
        long bestInFlight = 0;
        long bestWeight = 1;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            Member m = candidates.get(i);
            long inFlight = m.load().inFlight();
            long weight = m.weight();
            if (best == null) {
                best = m;
                bestInFlight = inFlight;
                bestWeight = weight;
                ties = 1;
                continue;
            }
            int cmp = Long.compare(inFlight * bestWeight, bestInFlight * weight);
            if (cmp < 0) {
                best = m;
                bestInFlight = inFlight;
                bestWeight = weight;
                ties = 1;
            } else if (cmp == 0 && random.nextInt(++ties) == 0) {
                best = m;
                bestInFlight = inFlight;
                bestWeight = weight;
            }
        }
        return best;
    }
}
