package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk tier over a real directory: round trips, restarts, strict reads, the bound, removals, threads. */
final class DiskTierTest {

    @TempDir
    Path dir;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private DiskTier tier(long maxBytes) {
        DiskTier tier = new DiskTier(dir, maxBytes, pool);
        tier.ready().join();
        return tier;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private long sizeOfFiles() throws IOException {
        long total = 0;
        for (Path f : files()) {
            total += Files.size(f);
        }
        return total;
    }

    @Test
    void variants_surviveARestart() throws IOException {
        List<CachedResponse> a = List.of(Responses.of("gzip", 100, 'a'), Responses.of("br", 50, 'b'));
        try (DiskTier first = tier(1 << 20)) {
            first.put("k1", a).join();
            first.put("k2", List.of(Responses.of(10))).join();
            assertThat(first.get("k1").join()).isEqualTo(a);
        }

        try (DiskTier second = tier(1 << 20)) {
            assertThat(second.get("k1").join()).isEqualTo(a);
            assertThat(second.get("k2").join()).containsExactly(Responses.of(10));
            assertThat(second.entries()).isEqualTo(2);
            assertThat(second.bytes()).isEqualTo(sizeOfFiles());
        }
    }

    @Test
    void anUnknownKey_isAnEmptyList() {
        try (DiskTier tier = tier(1 << 20)) {
            assertThat(tier.get("nothing").join()).isEmpty();
        }
    }

    @Test
    void aPut_replacesTheKeysFile() throws IOException {
        try (DiskTier tier = tier(1 << 20)) {
            tier.put("k", List.of(Responses.of("gzip", 100, 'a'))).join();
            tier.put("k", List.of(Responses.of("br", 10, 'b'))).join();

            assertThat(tier.get("k").join()).containsExactly(Responses.of("br", 10, 'b'));
            assertThat(tier.entries()).isEqualTo(1);
            assertThat(files()).hasSize(1);
            assertThat(tier.bytes()).isEqualTo(sizeOfFiles());
        }
    }

    @Test
    void aCorruptFile_isAMiss_andIsDeleted() throws IOException {
        try (DiskTier tier = tier(1 << 20)) {
            tier.put("k", List.of(Responses.of(500))).join();
            Path file = dir.resolve(DiskFormat.fileName("k"));
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 1;
            Files.write(file, bytes);

            assertThat(tier.get("k").join()).isEmpty();
            assertThat(file).doesNotExist();
            assertThat(tier.entries()).isZero();
            assertThat(tier.bytes()).isZero();
        }
    }

    @Test
    void aTruncatedFile_isAMiss_andIsDeleted() throws IOException {
        try (DiskTier tier = tier(1 << 20)) {
            tier.put("k", List.of(Responses.of(500))).join();
            Path file = dir.resolve(DiskFormat.fileName("k"));
            Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 100));

            assertThat(tier.get("k").join()).isEmpty();
            assertThat(file).doesNotExist();
        }
    }

    @Test
    void atStart_unparseableAndTemporaryFilesAreDeleted_andForeignFilesLeftAlone() throws IOException {
        try (DiskTier first = tier(1 << 20)) {
            first.put("good", List.of(Responses.of(10))).join();
            first.put("renamed", List.of(Responses.of(10))).join();
        }
        Path garbage = Files.writeString(dir.resolve(DiskFormat.fileName("garbage")), "garbage");
        Path temp = Files.writeString(dir.resolve(DiskFormat.fileName("x") + ".123.tmp"), "half written");
        Path foreign = Files.writeString(dir.resolve("README"), "not the cache's");
        // A valid file under another key's name must not answer for that key.
        Path misnamed = dir.resolve(DiskFormat.fileName("other"));
        Files.move(dir.resolve(DiskFormat.fileName("renamed")), misnamed);

        try (DiskTier second = tier(1 << 20)) {
            assertThat(garbage).doesNotExist();
            assertThat(temp).doesNotExist();
            assertThat(misnamed).doesNotExist();
            assertThat(foreign).exists();
            assertThat(second.entries()).isEqualTo(1);
            assertThat(second.get("good").join()).hasSize(1);
            assertThat(second.get("other").join()).isEmpty();
        }
    }

    @Test
    void theBound_evictsFiles() throws IOException {
        long max = 20_000;
        try (DiskTier tier = tier(max)) {
            List<CompletableFuture<Void>> puts = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                puts.add(tier.put("k" + i, List.of(Responses.of(1000))));
            }
            puts.forEach(CompletableFuture::join);

            assertThat(tier.bytes()).isLessThanOrEqualTo(max).isEqualTo(sizeOfFiles());
            assertThat(tier.entries()).isLessThan(50).isEqualTo(files().size());
        }
    }

    @Test
    void aSmallerBoundAtRestart_evictsFilesAtOnce() throws IOException {
        try (DiskTier first = tier(1 << 20)) {
            for (int i = 0; i < 30; i++) {
                first.put("k" + i, List.of(Responses.of(1000)));
            }
            first.remove("none").join();
        }

        try (DiskTier second = tier(10_000)) {
            assertThat(second.bytes()).isLessThanOrEqualTo(10_000).isEqualTo(sizeOfFiles());
            assertThat(second.entries()).isPositive().isEqualTo(files().size());
        }
    }

    @Test
    void aFileOverTheBound_isNotWritten_andWhatItReplacesGoes() throws IOException {
        try (DiskTier tier = tier(5_000)) {
            tier.put("k", List.of(Responses.of(100))).join();
            tier.put("k", List.of(Responses.of(10_000))).join();

            assertThat(tier.get("k").join()).isEmpty();
            assertThat(files()).isEmpty();
        }
    }

    @Test
    void removeIf_purgesByPrefix_andRemoveByKey() throws IOException {
        try (DiskTier tier = tier(1 << 20)) {
            for (String key : List.of("site|/a/1", "site|/a/2", "site|/b/1", "site|/b/2")) {
                tier.put(key, List.of(Responses.of(10)));
            }

            assertThat(tier.removeIf(key -> key.startsWith("site|/a/")).join()).isEqualTo(2);
            assertThat(tier.remove("site|/b/1").join()).isTrue();
            assertThat(tier.remove("site|/b/1").join()).isFalse();
            assertThat(tier.put("site|/b/2", List.of()).join()).as("no variants: removed").isNull();

            assertThat(tier.entries()).isZero();
            assertThat(tier.bytes()).isZero();
            assertThat(files()).isEmpty();
        }
    }

    @Test
    void aRemoval_coversThePutsSubmittedBeforeIt() {
        try (DiskTier tier = tier(1 << 20)) {
            for (int i = 0; i < 20; i++) {
                tier.put("k" + i, List.of(Responses.of(1000)));
            }
            assertThat(tier.removeIf(key -> true).join()).isEqualTo(20);
            assertThat(tier.entries()).isZero();
        }
    }

    @Test
    void nothingTouchesTheDisk_untilTheExecutorRuns() {
        ManualExecutor executor = new ManualExecutor();
        Path sub = dir.resolve("sub");
        try (DiskTier tier = new DiskTier(sub, 1 << 20, executor)) {
            CompletableFuture<Void> put = tier.put("k", List.of(Responses.of(10)));
            CompletableFuture<List<CachedResponse>> get = tier.get("k");

            assertThat(sub).doesNotExist();
            assertThat(put).isNotDone();
            assertThat(get).isNotDone();
            executor.runAll();

            assertThat(tier.ready()).isCompleted();
            assertThat(put).isCompleted();
            assertThat(tier.get("k")).isNotDone();
            executor.runAll();
            assertThat(tier.entries()).isEqualTo(1);
        }
    }

    @Test
    void afterClose_callsDoNothing_andFilesStay() throws IOException {
        DiskTier tier = tier(1 << 20);
        tier.put("k", List.of(Responses.of(10))).join();
        tier.close();

        assertThat(tier.get("k").join()).isEmpty();
        assertThat(tier.remove("k").join()).isFalse();
        tier.put("j", List.of(Responses.of(10))).join();
        assertThat(files()).hasSize(1);
    }

    @Test
    void anUnwritableDirectory_failsPuts_notReads() throws IOException {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        try (DiskTier tier = new DiskTier(notADir, 1 << 20, pool)) {
            assertThat(tier.ready()).failsWithin(Duration.ofSeconds(10));
            assertThat(tier.put("k", List.of(Responses.of(10)))).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(UncheckedIOException.class);
            assertThat(tier.get("k").join()).isEmpty();
        }
    }
}
