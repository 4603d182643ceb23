package dev.gatehouse.core.balance;

import dev.gatehouse.core.time.Clock;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Power of two choices over in-flight requests times latency (as Finagle and Linkerd do): draw two
 * distinct candidates uniformly at random and take the cheaper, where
 * {@code cost = (inFlight + 1) * latency / weight} and the latency is
 * {@link BackendLoad#latencyNanos(long)} at the clock's current time, capped as below. Equal costs: either one, at
 * random. One candidate: that one.
 *
 * <p><b>Latency counts up to a factor.</b> Each compared candidate's latency is capped at
 * {@link #LATENCY_CAP} times the lowest latency among those compared. Latency tells a slow backend
 * from a fast one; but measured latency also includes the time requests waited at the backend, so
 * a backend that was busy looks slower for a while, and without a cap an idle backend can lose to
 * a busy one. With the cap below 2, a backend with fewer requests in flight always wins over one
 * with more, and latency decides among equally loaded ones (and makes a slow backend take fewer
 * requests when all are busy).
 *
 * <p><b>Latencies within a band are equal.</b> A compared latency up to {@link #LATENCY_BAND}
 * times the lowest compared one is read as the lowest: backends within that band of the fastest
 * are equally fast, and among equally loaded ones the pick is random. Without the band, an idle
 * pool sent every request to whichever backend happened to have the lowest average: 100
 * sequential requests to three identical Tornado instances went 97 to one, because the others got
 * no samples to come down by (their averages decay only over {@link BackendLoad#DECAY_NANOS}).
 * The difference was noise; sending everything to one instance bought nothing and left the other
 * instances' caches, connections and JIT cold, and their health unseen by real traffic. A backend
 * clearly slower than the band still gets fewer requests. A backend with fewer than
 * {@link BackendLoad#SETTLED_SAMPLES} samples counts as within the band: one slow first request
 * (a cold Python path) kept an instance out of the band, and so without samples, for good
 * (docs/balancing.md, "Spread at low load", has the measurements).
 *
 * <p><b>Small pools are compared whole.</b> With at most {@link #COMPARE_ALL_UP_TO} candidates, all
 * of them are compared instead of two. Sampling two exists to keep picks O(1) and to avoid herding
 * on stale load figures in large pools; a node's in-flight counts are exact and shared by all its
 * event loops, and a handful of backends is cheaper to scan than to sample. Sampling two of eight
 * single-threaded backends at 65 % load misses every idle one about 40 % of the time, and the
 * request then waits behind whatever runs there, a slow request included: measured on the
 * slow-requests scenario, that alone put fast requests' p99 near 500 ms where comparing all gives
 * under 10 ms (docs/benchmarks.md). Ties among the cheapest are broken at random.
 *
 * <p>The two are drawn uniformly, not in proportion to weight, on purpose: weight already divides
 * the cost, so weighted drawing would count it twice. With the cost alone, the steady state under
 * load is {@code (inFlight + 1) * latency} proportional to weight, i.e. in-flight load in
 * proportion to weight on equally fast backends.
 *
 * <p>Thread-safety: stateless; reads the loads of the compared candidates. The injected random
 * source must be thread-safe.
 */
final class P2cEwmaBalancer implements Balancer {

    /** Pools up to this size are compared whole. */
    static final int COMPARE_ALL_UP_TO = 16;
    /** A latency counts at most this many times the lowest compared one. */
    static final double LATENCY_CAP = 1.9;
    /** Latencies up to this many times the lowest compared one count as the lowest (at most {@link #LATENCY_CAP}). */
    static final double LATENCY_BAND = 1.5;

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
        long now = clock.nanoTime();
        if (n <= COMPARE_ALL_UP_TO) {
            return cheapest(candidates, now);
        }
        int i = random.nextInt(n);
        int j = random.nextInt(n - 1);
        if (j >= i) {
            j++;
        }
        Member a = candidates.get(i);
        Member b = candidates.get(j);
        double latencyA = a.load().latencyNanos(now);
        double latencyB = b.load().latencyNanos(now);
        double lowest = Math.min(latencyA, latencyB);
        double costA = cost(a, latencyA, lowest);
        double costB = cost(b, latencyB, lowest);
        if (costA < costB) {
            return a;
        }
        if (costB < costA) {
            return b;
        }
        return random.nextBoolean() ? a : b;
    }

    /** The cheapest candidate; ties broken uniformly at random in one pass (reservoir sampling). */
    private Member cheapest(List<Member> candidates, long now) {
        int n = candidates.size();
        double[] latency = new double[n];
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            latency[i] = candidates.get(i).load().latencyNanos(now);
            lowest = Math.min(lowest, latency[i]);
        }
        Member best = null;
        double bestCost = Double.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            Member m = candidates.get(i);
            double c = cost(m, latency[i], lowest);
            if (best == null || c < bestCost) {
                best = m;
                bestCost = c;
                ties = 1;
            } else if (c == bestCost && random.nextInt(++ties) == 0) {
                best = m;
            }
        }
        return best;
    }

    /**
     * {@code (inFlight + 1) * latency / weight}, a latency within the band (or of a backend not yet
     * {@link BackendLoad#settled() settled}) read as the lowest and one above it capped.
     */
    private static double cost(Member m, double latency, double lowest) {
        boolean equal = latency <= LATENCY_BAND * lowest || !m.load().settled();
        double counted = equal ? lowest : Math.min(latency, LATENCY_CAP * lowest);
        return (m.load().inFlight() + 1.0) * counted / m.weight();
    }
}
