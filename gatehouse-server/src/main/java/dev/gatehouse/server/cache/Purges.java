package dev.gatehouse.server.cache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;

/**
 * The recent purges, so that work begun before a purge (a disk read about to be promoted into
 * memory) can tell whether a purge since covers its key and must not bring it back. Keeps the last
 * {@link #KEPT}; a question about older ones, or about a purge still being recorded, is answered
 * yes, which costs a miss, never a purged response served. Lock-free.
 */
final class Purges {

    /** How many purges are remembered. */
    static final int KEPT = 64;

    private record Purge(long number, Predicate<String> which) {
    }

    private final AtomicLong last = new AtomicLong();
    private final AtomicReferenceArray<Purge> recent = new AtomicReferenceArray<>(KEPT);

    /** The mark to ask {@link #coveredSince} with later: take it before the work begins. */
    long mark() {
        return last.get();
    }

    /** Records a purge of the keys {@code which} accepts; record it before removing anything. */
    void record(Predicate<String> which) {
        long number = last.incrementAndGet();
        recent.set((int) (number % KEPT), new Purge(number, which));
    }

    /** Whether a purge recorded after {@code mark} covers {@code key} (yes when it cannot tell). */
    boolean coveredSince(long mark, String key) {
        long now = last.get();
        if (now - mark > KEPT) {
            return true;
        }
        for (long n = mark + 1; n <= now; n++) {
            Purge p = recent.get((int) (n % KEPT));
            if (p == null || p.number() != n || p.which().test(key)) {
                return true;
            }
        }
        return false;
    }
}
