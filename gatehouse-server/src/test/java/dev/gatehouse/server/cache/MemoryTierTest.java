package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The memory tier: variants per key, the byte bound, removals, and what its eviction hook is told. */
final class MemoryTierTest {

    private final Map<String, List<CachedResponse>> evicted = new ConcurrentHashMap<>();
    private final AtomicInteger evictions = new AtomicInteger();

    private MemoryTier tier(long maxBytes) {
        return new MemoryTier(maxBytes, e -> {
            evictions.incrementAndGet();
            evicted.put(e.getKey(), e.getValue());
        });
    }

    @Test
    void anUnknownKey_isAnEmptyList() {
        assertThat(tier(1 << 20).get("nothing")).isEmpty();
    }

    @Test
    void variants_areMostRecentFirst_andOneWithTheSameSecondaryKeyReplacesTheOld() {
        MemoryTier tier = tier(1 << 20);
        tier.put("k", Responses.of("gzip", 10, 'a'));
        tier.put("k", Responses.of("br", 10, 'b'));
        tier.put("k", Responses.of("gzip", 10, 'c'));

        assertThat(tier.get("k")).containsExactly(Responses.of("gzip", 10, 'c'), Responses.of("br", 10, 'b'));
        assertThat(tier.entries()).isEqualTo(2);
    }

    @Test
    void aNinthVariant_dropsTheOldest() {
        MemoryTier tier = tier(1 << 20);
        for (int i = 0; i <= MemoryTier.MAX_VARIANTS; i++) {
            tier.put("k", Responses.of("v" + i, 10, 'a'));
        }

        List<CachedResponse> held = tier.get("k");
        assertThat(held).hasSize(MemoryTier.MAX_VARIANTS);
        assertThat(held.get(0).varyKey()).isEqualTo("v8");
        assertThat(held).extracting(CachedResponse::varyKey).doesNotContain("v0");
        assertThat(tier.entries()).isEqualTo(MemoryTier.MAX_VARIANTS);
        assertThat(evictions).as("dropping a variant is not an eviction").hasValue(0);
    }

    @Test
    void aResponseHeavierThanAnEighth_isNotStored_andDropsTheVariantItReplaces() {
        MemoryTier tier = tier(80_000);
        tier.put("k", Responses.of("gzip", 100, 'a'));
        tier.put("k", Responses.of("br", 100, 'b'));

        tier.put("k", Responses.of("gzip", 10_000, 'c'));

        assertThat(tier.get("k")).containsExactly(Responses.of("br", 100, 'b'));
        tier.put("other", Responses.of(10_000));
        assertThat(tier.get("other")).isEmpty();
        assertThat(tier.entries()).isEqualTo(1);
    }

    @Test
    void manyPuts_stayWithinTheBound_andWhatIsEvictedForRoomGoesToTheHook() {
        long max = 64 * 1024;
        MemoryTier tier = tier(max);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String key = "k" + i;
            keys.add(key);
            tier.put(key, Responses.of(1000 + i % 7));
            assertThat(tier.bytes()).isLessThanOrEqualTo(max);
        }

        long held = keys.stream().mapToLong(k -> tier.get(k).size()).sum();
        assertThat(held).isPositive().isEqualTo(tier.entries());
        assertThat(evicted).as("every key is either held or was handed on").hasSize(1000 - (int) held);
        evicted.forEach((key, variants) -> assertThat(variants).hasSize(1));
    }

    @Test
    void concurrentPuts_stayWithinTheBound_andCountTheVariantsHeld() throws Exception {
        long max = 128 * 1024;
        MemoryTier tier = tier(max);
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 2000; i++) {
                        // Keys shared between threads, several variants each, some removals.
                        String key = "k" + (i % 300);
                        tier.put(key, Responses.of("v" + (thread + i) % 11, 500 + i % 300, 'a'));
                        if (i % 97 == 0) {
                            tier.remove("k" + (i + thread) % 300);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(tier.bytes()).isLessThanOrEqualTo(max);
        long held = 0;
        for (int i = 0; i < 300; i++) {
            List<CachedResponse> variants = tier.get("k" + i);
            assertThat(variants.size()).isLessThanOrEqualTo(MemoryTier.MAX_VARIANTS);
            held += variants.size();
        }
        assertThat(tier.entries()).isEqualTo(held);
    }

    @Test
    void removeIf_purgesByPrefix_countingKeys_withoutTellingTheHook() {
        MemoryTier tier = tier(1 << 20);
        tier.put("site|/a/1", Responses.of("gzip", 10, 'a'));
        tier.put("site|/a/1", Responses.of("br", 10, 'a'));
        tier.put("site|/a/2", Responses.of(10));
        tier.put("site|/b/1", Responses.of(10));

        int removed = tier.removeIf(key -> key.startsWith("site|/a/"));

        assertThat(removed).isEqualTo(2);
        assertThat(tier.get("site|/a/1")).isEmpty();
        assertThat(tier.get("site|/b/1")).hasSize(1);
        assertThat(tier.entries()).isEqualTo(1);
        assertThat(evictions).hasValue(0);
    }

    @Test
    void remove_saysWhetherTheKeyWasHeld() {
        MemoryTier tier = tier(1 << 20);
        tier.put("k", Responses.of(10));

        assertThat(tier.remove("k")).isTrue();
        assertThat(tier.remove("k")).isFalse();
        assertThat(tier.get("k")).isEmpty();
        assertThat(tier.entries()).isZero();
        assertThat(tier.bytes()).isZero();
    }

    @Test
    void promote_keepsWhatIsHeldFirst_andAddsTheMissingVariants() {
        MemoryTier tier = tier(1 << 20);
        tier.put("k", Responses.of("gzip", 10, 'n'));

        List<CachedResponse> now = tier.promote("k", List.of(Responses.of("gzip", 10, 'o'), Responses.of("br", 10, 'b')));

        assertThat(now).containsExactly(Responses.of("gzip", 10, 'n'), Responses.of("br", 10, 'b'));
        assertThat(tier.get("k")).isEqualTo(now);
        assertThat(tier.entries()).isEqualTo(2);
    }

    @Test
    void anEntryPromotedUnchanged_isNotHandedBackWhenEvicted_butOneChangedSinceIs() {
        MemoryTier tier = tier(64 * 1024);
        tier.promote("copy", List.of(Responses.of(1000)));
        tier.promote("changed", List.of(Responses.of("gzip", 1000, 'a')));
        tier.put("changed", Responses.of("br", 1000, 'b'));

        // Keys used more often than these two, so that they are the ones that leave.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 200; i++) {
                tier.put("filler" + i, Responses.of(1000));
            }
        }

        assertThat(tier.get("copy")).isEmpty();
        assertThat(tier.get("changed")).isEmpty();
        assertThat(evicted).doesNotContainKey("copy").containsKey("changed");
        assertThat(evicted.get("changed")).hasSize(2);
    }
}
