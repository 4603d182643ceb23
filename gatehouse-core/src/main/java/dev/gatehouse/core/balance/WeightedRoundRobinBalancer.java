package dev.gatehouse.core.balance;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round robin, as nginx does it: at each pick every candidate's current value
 * grows by its weight, the candidate with the highest current value is picked (the first in list
 * order on a tie), and the picked one's current value falls by the total weight. Over any
 * {@code total weight} consecutive picks of an unchanged list, each member is picked exactly
 * {@code weight} times, and the picks of a member are spread out rather than bunched (weights
 * 5, 1, 1 give {@code a a b a c a a}, not {@code a a a a a b c}).
 *
 * <p>State: a current value per member id. An id seen for the first time starts at 0; ids absent
 * from a pick's candidates are dropped at that pick; a new weight for a known id counts from the
 * next pick on. Thread-safety: each pick runs in one short {@code synchronized} section (a loop
 * over the candidates, no allocation for known ids).
 */
final class WeightedRoundRobinBalancer implements Balancer {

    /** Current value of one member, and the pick that last saw it. */
    private static final class Entry {
        long current;
        long seen;
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private long picks;

    @Override
    public synchronized Member pick(List<Member> candidates, PickContext context) {
        int n = candidates.size();
        if (n == 0) {
            return null;
        }
        long pick = ++picks;
        long total = 0;
        Member best = null;
        Entry bestEntry = null;
        for (int i = 0; i < n; i++) {
            Member m = candidates.get(i);
            Entry e = entries.computeIfAbsent(m.id(), id -> new Entry());
            e.seen = pick;
            e.current += m.weight();
            total += m.weight();
            if (bestEntry == null || e.current > bestEntry.current) {
                best = m;
                bestEntry = e;
            }
        }
        bestEntry.current -= total;
        if (entries.size() > n) {
            entries.values().removeIf(e -> e.seen != pick);
        }
        return best;
    }
}
