package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.testing.postgres.PostgresCluster;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts connections on the server, on a thread of its own, until closed, and keeps the most it
 * saw: what a test of the budget asserts. A sample that fails (the server restarting) is skipped.
 */
final class BackendSampler implements AutoCloseable {

    /** One count, on the server. */
    @FunctionalInterface
    interface Count {
        int get() throws SQLException;
    }

    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private final Count count;
    private final AtomicInteger most = new AtomicInteger();
    private final AtomicInteger samples = new AtomicInteger();

    private BackendSampler(Count count) {
        this.count = count;
    }

    /** Samples back to back, to catch a connection that exists only for a moment. */
    static BackendSampler continuous(Count count) {
        BackendSampler s = new BackendSampler(count);
        s.thread.execute(s::sampleAndGoOn);
        return s;
    }

    /** Samples every {@code interval} (a new superuser connection for each). */
    static BackendSampler every(Duration interval, PostgresCluster cluster, String user) {
        BackendSampler s = new BackendSampler(() -> cluster.backendCount(user));
        s.thread.scheduleWithFixedDelay(s::sample, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
        return s;
    }

    /** The role's client connections on the server, counted with a new superuser connection each time. */
    static BackendSampler continuous(PostgresCluster cluster, String user) {
        return continuous(() -> cluster.backendCount(user));
    }

    int most() {
        return most.get();
    }

    int samples() {
        return samples.get();
    }

    private void sample() {
        try {
            most.accumulateAndGet(count.get(), Math::max);
            samples.incrementAndGet();
        } catch (SQLException e) {
            // The server is restarting: no sample this time.
        }
    }

    private void sampleAndGoOn() {
        sample();
        try {
            thread.execute(this::sampleAndGoOn);
        } catch (RejectedExecutionException e) {
            // closed
        }
    }

    /** Stops sampling and waits for the last sample to end. */
    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(30, TimeUnit.SECONDS);
    }
}
