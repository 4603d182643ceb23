package dev.gatehouse.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class ConnectionCountsTest {

    @Test
    void upToMax_areCounted_thenRefused_andAReleaseMakesRoom() {
        ConnectionCounts<String> c = new ConnectionCounts<>();
        assertThat(c.tryAcquire("a", 2)).isTrue();
        assertThat(c.tryAcquire("a", 2)).isTrue();
        assertThat(c.tryAcquire("a", 2)).isFalse();
        assertThat(c.tryAcquire("b", 2)).isTrue();
        assertThat(c.count("a")).isEqualTo(2);
        c.release("a");
        assertThat(c.tryAcquire("a", 2)).isTrue();
    }

    @Test
    void aKey_isForgotten_whenItsLastConnectionCloses() {
        ConnectionCounts<String> c = new ConnectionCounts<>();
        c.tryAcquire("a", 5);
        c.tryAcquire("a", 5);
        c.tryAcquire("b", 5);
        assertThat(c.keys()).isEqualTo(2);
        c.release("a");
        c.release("a");
        c.release("b");
        assertThat(c.keys()).isZero();
        // A release without a connection (cannot happen when used as documented) does not go negative.
        c.release("a");
        assertThat(c.count("a")).isZero();
    }

    @Test
    void zero_meansNoLimit() {
        ConnectionCounts<String> c = new ConnectionCounts<>();
        for (int i = 0; i < 1000; i++) {
            assertThat(c.tryAcquire("a", 0)).isTrue();
        }
        assertThat(c.count("a")).isEqualTo(1000);
    }

    @Test
    void concurrentAcquires_neverCountPastMax() throws Exception {
        ConnectionCounts<String> c = new ConnectionCounts<>();
        AtomicInteger counted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 1000; i++) {
                pool.execute(() -> {
                    if (c.tryAcquire("a", 10)) {
                        counted.incrementAndGet();
                    }
                });
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(counted.get()).isEqualTo(10);
        assertThat(c.count("a")).isEqualTo(10);
    }
}
