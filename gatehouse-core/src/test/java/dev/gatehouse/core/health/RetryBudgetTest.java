package dev.gatehouse.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.RetryBudgetConfig;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link RetryBudget}: percent of requests plus a minimum per second, over a window sliding by seconds. */
final class RetryBudgetTest {

    private final FakeClock clock = new FakeClock(); // starts on a whole second

    private RetryBudget budget(int percent, int minPerSecond, int windowSeconds) {
        return RetryBudget.create(new RetryBudgetConfig(percent, minPerSecond, Duration.ofSeconds(windowSeconds)), clock);
    }

    private static void requests(RetryBudget budget, int n) {
        for (int i = 0; i < n; i++) {
            budget.recordRequest();
        }
    }

    /** Acquires until the budget says no; returns how many it allowed. */
    private static int drain(RetryBudget budget) {
        int allowed = 0;
        while (budget.tryAcquire()) {
            allowed++;
        }
        return allowed;
    }

    @ParameterizedTest(name = "{0} %, {1}/s over {2} s, {3} requests: {4} retries")
    @CsvSource({
            "20, 10, 10, 0, 100",
            "20, 10, 10, 100, 120",
            "20, 0, 10, 100, 20",
            "20, 0, 10, 4, 0",     // 0.8 of a retry is none
            "20, 0, 10, 5, 1",
            "0, 3, 1, 1000, 3",
            "0, 0, 10, 1000, 0",
            "100, 0, 10, 7, 7",
            "50, 1, 60, 9, 64",    // 4.5 + 60 = 64.5: 64
            "25, 2, 5, 1000, 260"
    })
    void allowance_isPercentOfRequestsPlusMinPerSecondTimesWindowSeconds(int percent, int minPerSecond, int window,
                                                                          int requests, int expected) {
        RetryBudget budget = budget(percent, minPerSecond, window);
        requests(budget, requests);

        assertThat(drain(budget)).isEqualTo(expected);
        assertThat(budget.retriedTotal()).isEqualTo(expected);
        assertThat(budget.deniedTotal()).isEqualTo(1);
    }

    @Test
    void retries_doNotCountAsRequests() {
        RetryBudget budget = budget(50, 0, 10);
        requests(budget, 10);

        assertThat(drain(budget)).isEqualTo(5);
        requests(budget, 2);
        assertThat(drain(budget)).isEqualTo(1);
    }

    @Test
    void requestsSpreadOverTheWindow_allCount() {
        RetryBudget budget = budget(10, 0, 10);
        for (int s = 0; s < 10; s++) {
            if (s > 0) {
                clock.advanceSeconds(1);
            }
            requests(budget, 10);
        }

        assertThat(drain(budget)).isEqualTo(10);
    }

    @Test
    void window_slides_oldRequestsStopCounting() {
        RetryBudget budget = budget(100, 0, 10);
        requests(budget, 50);                 // second 0
        clock.advanceSeconds(5);
        requests(budget, 20);                 // second 5

        clock.advance(Duration.ofSeconds(5).minusNanos(1)); // 9.999... s: both still count
        assertThat(budget.tryAcquire()).isTrue();

        clock.advance(Duration.ofNanos(1));   // second 10: the first 50 requests are out
        assertThat(drain(budget)).isEqualTo(19);

        clock.advanceSeconds(5);              // second 15: the 20 are out too
        assertThat(budget.tryAcquire()).isFalse();

        clock.advanceSeconds(10);             // second 25: the retries are out as well
        requests(budget, 3);
        assertThat(drain(budget)).isEqualTo(3);
    }

    @Test
    void window_slidesByWholeSeconds() {
        // A request late in a second leaves the window with the whole second: after 9.001 s here.
        RetryBudget budget = budget(100, 0, 10);
        clock.advanceMillis(999);
        requests(budget, 2);

        clock.advanceMillis(9000);            // 9 s later, the requests' second is still in the window
        assertThat(budget.tryAcquire()).isTrue();

        clock.advanceMillis(1);               // 9.001 s later, it is not: the retry is left alone
        assertThat(budget.tryAcquire()).isFalse();
    }

    @Test
    void oldRetries_stopCountingToo() {
        RetryBudget budget = budget(0, 1, 3); // 3 retries per 3 s
        assertThat(drain(budget)).isEqualTo(3);

        clock.advanceSeconds(1);
        assertThat(budget.tryAcquire()).isFalse();
        clock.advanceSeconds(2);              // the three retries of second 0 are out
        assertThat(drain(budget)).isEqualTo(3);
    }

    @Test
    void longIdleGap_forgetsEverything() {
        RetryBudget budget = budget(100, 0, 10);
        requests(budget, 100);

        clock.advanceSeconds(3600);

        assertThat(budget.tryAcquire()).isFalse();
    }

    @Test
    void totals_countRetriesAndDenials() {
        RetryBudget budget = budget(0, 1, 2);

        List<Boolean> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(budget.tryAcquire());
        }

        assertThat(answers).containsExactly(true, true, false, false, false);
        assertThat(budget.retriedTotal()).isEqualTo(2);
        assertThat(budget.deniedTotal()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    void concurrentAcquires_neverExceedTheAllowance() throws Exception {
        // 4 threads record 1000 requests each, then all try 1000 retries each: the budget allows
        // exactly 20 % of 4000 + 5/s x 10 s = 850, whatever the interleaving.
        RetryBudget budget = budget(20, 5, 10);
        int threads = 4;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    barrier.await();
                    requests(budget, 1000);
                    barrier.await();
                    int granted = 0;
                    for (int i = 0; i < 1000; i++) {
                        if (budget.tryAcquire()) {
                            granted++;
                        }
                    }
                    return granted;
                }));
            }
            int granted = 0;
            for (Future<Integer> f : results) {
                granted += f.get(30, TimeUnit.SECONDS);
            }

            assertThat(granted).isEqualTo(850);
            assertThat(budget.retriedTotal()).isEqualTo(850);
            assertThat(budget.deniedTotal()).isEqualTo(4000 - 850);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentRequestsAndAcquires_neverExceedTheAllowance_andLoseNoCount() throws Exception {
        // Each thread interleaves requests and retries; every grant must fit the requests counted
        // before it, so the retries never exceed 10 % of the requests (no minimum here). Once the
        // threads are done, the rest of the allowance is exactly what the counts say.
        RetryBudget budget = budget(10, 0, 10);
        int threads = 4;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    barrier.await();
                    int granted = 0;
                    for (int i = 0; i < 5000; i++) {
                        budget.recordRequest();
                        if (budget.tryAcquire()) {
                            granted++;
                        }
                        budget.tryAcquire();
                    }
                    return granted;
                }));
            }
            int granted = 0;
            for (Future<Integer> f : results) {
                granted += f.get(30, TimeUnit.SECONDS);
            }

            assertThat(budget.retriedTotal()).isLessThanOrEqualTo(2000).isGreaterThanOrEqualTo(granted);
            assertThat(budget.retriedTotal() + budget.deniedTotal()).isEqualTo(2L * 4 * 5000);
            long before = budget.retriedTotal();
            assertThat(before + drain(budget)).isEqualTo(2000);
        } finally {
            pool.shutdownNow();
        }
    }
}
