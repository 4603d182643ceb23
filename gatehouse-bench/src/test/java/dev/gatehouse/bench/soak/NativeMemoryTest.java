package dev.gatehouse.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The native memory summary as jcmd prints it, and what changed between two. */
final class NativeMemoryTest {

    private static String summary(long total, long heap, long thread, long other) {
        return """
                18113:

                Native Memory Tracking:

                (Omitting categories weighting less than 1KB)

                Total: reserved=7743107KB, committed=%dKB
                       malloc: 19215KB #47285, peak=19152KB #45061
                       mmap:   reserved=7723892KB, committed=465748KB

                -                 Java Heap (reserved=262144KB, committed=%dKB)
                                            (mmap: reserved=262144KB, committed=262144KB, at peak)

                -                    Thread (reserved=19518KB, committed=%dKB)
                                            (threads #19)
                                            (stack: reserved=19456KB, committed=908KB, peak=908KB)

                -                     Other (reserved=%dKB, committed=%dKB)
                                            (malloc=2048KB tag=Other #12)
                """.formatted(total, heap, thread, other, other);
    }

    @Test
    void parse_readsTheTotalAndEachCategory() {
        NativeMemory m = NativeMemory.parse(summary(400000, 262144, 970, 2048));
        assertThat(m.totalCommittedKb()).isEqualTo(400000);
        assertThat(m.committedKb()).containsExactly(java.util.Map.entry("Java Heap", 262144L),
                java.util.Map.entry("Thread", 970L), java.util.Map.entry("Other", 2048L));
    }

    @Test
    void changes_keepsTheLargeOnes_largestFirst_eitherWay() {
        NativeMemory a = NativeMemory.parse(summary(400000, 262144, 970, 2048));
        NativeMemory b = NativeMemory.parse(summary(403000, 262144, 100, 6144));
        assertThat(NativeMemory.changes(a, b, 512)).containsExactly(
                new NativeMemory.Change("Other", 4096), new NativeMemory.Change("Thread", -870));
        assertThat(NativeMemory.changes(a, b, 1000)).containsExactly(new NativeMemory.Change("Other", 4096));
    }

    @Test
    void withoutTracking_parsesAsEmpty() {
        NativeMemory m = NativeMemory.parse("18113:\nNative memory tracking is not enabled\n");
        assertThat(m.totalCommittedKb()).isZero();
        assertThat(m.committedKb()).isEmpty();
    }
}
