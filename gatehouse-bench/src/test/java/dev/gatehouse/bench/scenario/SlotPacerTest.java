package dev.gatehouse.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The open-loop schedule of one worker: its slots in order, the end, and slots skipped while busy. */
final class SlotPacerTest {

    @Test
    void slots_areThisWorkersShare_inOrder_untilTheEnd() {
        long start = System.nanoTime();
        AtomicLong skipped = new AtomicLong();
        // 2 workers at 1000 slots a second over 20 ms: 10 slots each, worker 1 at 1, 3, 5, ... ms.
        SlotPacer pacer = new SlotPacer(1, 2, 1000, start, start + 20_000_000L, skipped);
        long previous = -1;
        int slots = 0;
        for (long due; (due = pacer.awaitNext()) >= 0; slots++) {
            assertThat(due).isGreaterThan(previous);
            assertThat(System.nanoTime()).isGreaterThanOrEqualTo(due);
            previous = due;
        }
        assertThat(slots + skipped.get()).isEqualTo(10);
    }

    @Test
    void aWorkerBusyPastItsNextSlots_skipsThem_andCountsThem() {
        // The schedule starts a little ahead: a slot is only 1 ms, and a cold JVM can take that
        // long to reach the first awaitNext, which would then skip the first slot.
        long start = System.nanoTime() + 20_000_000L;
        AtomicLong skipped = new AtomicLong();
        SlotPacer pacer = new SlotPacer(0, 1, 1000, start, start + 1_000_000_000L, skipped);
        assertThat(pacer.awaitNext()).isEqualTo(start);

        // A request that takes 50 ms: the 1 ms slots behind it are not sent late in a burst.
        long busyUntil = System.nanoTime() + 50_000_000L;
        for (long now; (now = System.nanoTime()) < busyUntil; ) {
            LockSupport.parkNanos(busyUntil - now);
        }
        long due = pacer.awaitNext();

        assertThat(skipped.get()).isGreaterThanOrEqualTo(48);
        assertThat(System.nanoTime() - due).isLessThan(2_000_000L + 50_000_000L);
        assertThat(due - start).isGreaterThanOrEqualTo(49_000_000L);
    }
}
