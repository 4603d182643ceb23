package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two tiers together. Most tests run the disk tier on the calling thread, so that what memory
 * evicts is on disk by the time put returns; one runs it on a pool.
 */
final class ResponseStoreTest {

    /** Room for about sixteen 1000-byte responses. */
    private static final long MEMORY = 20_000;

    @TempDir
    Path dir;

    private ResponseStore store() {
        return new ResponseStore(MEMORY, new DiskTier(dir, 1 << 20, Runnable::run));
    }

    /** Puts {@code count} keys {@code k0...} of one 1000-byte response each: far more than memory holds. */
    private static void fill(ResponseStore store, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            store.put(prefix + i, Responses.of(1000));
        }
    }

    private static String keyOnDiskOnly(ResponseStore store, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            if (store.memory(prefix + i).isEmpty()) {
                return prefix + i;
            }
        }
        throw new AssertionError("every key is still in memory");
    }

    @Test
    void withoutADiskTier_theDiskAnswersEmpty_andEvictionsAreDropped() {
        try (ResponseStore store = new ResponseStore(MEMORY, null)) {
            fill(store, "k", 100);

            assertThat(store.disk("k0")).isCompletedWithValue(List.of());
            ResponseStore.Usage usage = store.usage();
            assertThat(usage.memoryEntries()).isBetween(1L, 99L);
            assertThat(usage.memoryBytes()).isLessThanOrEqualTo(MEMORY);
            assertThat(usage.diskEntries()).isZero();
            assertThat(usage.diskBytes()).isZero();
        }
    }

    @Test
    void whatMemoryEvicts_landsOnDisk() {
        try (ResponseStore store = store()) {
            fill(store, "k", 100);

            ResponseStore.Usage usage = store.usage();
            assertThat(usage.memoryEntries() + usage.diskEntries()).as("each key in one tier").isEqualTo(100);
            assertThat(usage.diskBytes()).isPositive();
            for (int i = 0; i < 100; i++) {
                List<CachedResponse> found = store.memory("k" + i);
                if (found.isEmpty()) {
                    found = store.disk("k" + i).join();
                }
                assertThat(found).as("k%d", i).containsExactly(Responses.of(1000));
            }
        }
    }

    @Test
    void aDiskHit_isPromotedIntoMemory() {
        DiskTier disk = new DiskTier(dir, 1 << 20, Runnable::run);
        try (ResponseStore store = new ResponseStore(MEMORY, disk)) {
            disk.put("k", List.of(Responses.of(1000)));

            assertThat(store.disk("k").join()).containsExactly(Responses.of(1000));

            assertThat(store.memory("k")).containsExactly(Responses.of(1000));
        }
    }

    @Test
    void aDiskAnswer_mergesTheTiers_memorysCopyWinning() {
        DiskTier disk = new DiskTier(dir, 1 << 20, Runnable::run);
        try (ResponseStore store = new ResponseStore(MEMORY, disk)) {
            disk.put("k", List.of(Responses.of("gzip", 1000, 'o'), Responses.of("br", 1000, 'b')));
            store.put("k", Responses.of("gzip", 1000, 'n'));

            assertThat(store.memory("k")).containsExactly(Responses.of("gzip", 1000, 'n'));
            assertThat(store.disk("k").join()).containsExactly(Responses.of("gzip", 1000, 'n'), Responses.of("br", 1000, 'b'));
            assertThat(store.memory("k")).hasSize(2);
        }
    }

    @Test
    void removeIf_purgesBothTiers_countingEachKeyOnce() {
        DiskTier disk = new DiskTier(dir, 1 << 20, Runnable::run);
        try (ResponseStore store = new ResponseStore(MEMORY, disk)) {
            disk.put("site|/a/both", List.of(Responses.of(10)));
            store.put("site|/a/both", Responses.of(10));
            disk.put("site|/a/disk", List.of(Responses.of(10)));
            store.put("site|/a/memory", Responses.of(10));
            store.put("site|/b/memory", Responses.of(10));

            int removed = store.removeIf(key -> key.startsWith("site|/a/")).join();

            assertThat(removed).isEqualTo(3);
            for (String key : List.of("site|/a/both", "site|/a/disk", "site|/a/memory")) {
                assertThat(store.memory(key)).isEmpty();
                assertThat(store.disk(key).join()).isEmpty();
            }
            assertThat(store.memory("site|/b/memory")).hasSize(1);
            assertThat(store.usage().diskEntries()).isZero();
        }
    }

    @Test
    void remove_coversBothTiers() {
        DiskTier disk = new DiskTier(dir, 1 << 20, Runnable::run);
        try (ResponseStore store = new ResponseStore(MEMORY, disk)) {
            disk.put("k", List.of(Responses.of(10)));
            store.put("k", Responses.of(10));

            assertThat(store.remove("k").join()).isEqualTo(1);
            assertThat(store.remove("k").join()).isZero();
            assertThat(store.disk("k").join()).isEmpty();
            assertThat(store.memory("k")).isEmpty();
        }
    }

    @Test
    void aDiskReadBegunBeforeAPurge_answersEmpty_andPromotesNothing() {
        ManualExecutor executor = new ManualExecutor();
        DiskTier disk = new DiskTier(dir, 1 << 20, executor);
        try (ResponseStore store = new ResponseStore(MEMORY, disk)) {
            disk.put("k", List.of(Responses.of(10)));
            executor.runAll();

            CompletableFuture<List<CachedResponse>> read = store.disk("k");
            CompletableFuture<Integer> purge = store.removeIf(key -> key.equals("k"));
            executor.runNext();
            executor.runAll();

            assertThat(read).isCompletedWithValue(List.of());
            assertThat(store.memory("k")).isEmpty();
            assertThat(purge).isCompletedWithValue(1);
        }
    }

    @Test
    void aDiskReadBegunBeforeAnUnrelatedPurge_isPromoted() {
        ManualExecutor executor = new ManualExecutor();
        DiskTier disk = new DiskTier(dir, 1 << 20, executor);
        try (ResponseStore store = new ResponseStore(MEMORY, disk)) {
            disk.put("k", List.of(Responses.of(10)));
            executor.runAll();

            CompletableFuture<List<CachedResponse>> read = store.disk("k");
            store.remove("other");
            executor.runAll();

            assertThat(read).isCompletedWithValue(List.of(Responses.of(10)));
            assertThat(store.memory("k")).hasSize(1);
        }
    }

    @Test
    void onAPool_evictionsReachTheDiskInTime() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ResponseStore store = new ResponseStore(MEMORY, new DiskTier(dir, 1 << 20, pool))) {
            fill(store, "k", 100);

            await().untilAsserted(() -> {
                ResponseStore.Usage usage = store.usage();
                assertThat(usage.memoryEntries() + usage.diskEntries()).isEqualTo(100);
            });
            String key = keyOnDiskOnly(store, "k", 100);
            assertThat(store.disk(key).join()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }
}
