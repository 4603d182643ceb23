package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The write lane: submission order on a shared pool, one task at a time, failures contained. */
final class SerialLaneTest {

    @Test
    void tasks_runInSubmissionOrder_oneAtATime_onAPoolOfMany() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialLane lane = new SerialLane(pool);
            List<Integer> order = new CopyOnWriteArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            CountDownLatch finished = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                lane.execute(() -> {
                    if (running.incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    order.add(n);
                    running.decrementAndGet();
                    finished.countDown();
                });
            }

            assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps).hasValue(0);
            assertThat(order).isSorted().hasSize(1000);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingTask_doesNotStopThoseBehindIt_andOneDrainRunsThemAll() {
        ManualExecutor executor = new ManualExecutor();
        SerialLane lane = new SerialLane(executor);
        List<String> ran = new CopyOnWriteArrayList<>();
        lane.execute(() -> ran.add("first"));
        lane.execute(() -> {
            throw new IllegalStateException("expected by the test");
        });
        lane.execute(() -> ran.add("third"));

        assertThat(executor.queued()).as("one drain for the queue").isEqualTo(1);
        executor.runAll();
        assertThat(ran).containsExactly("first", "third");
    }
}
