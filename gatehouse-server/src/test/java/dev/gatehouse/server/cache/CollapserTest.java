package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Request collapsing: one leader per key, followers told the outcome, time and size bounds. */
final class CollapserTest {

    /** A timer whose timeouts fire when the test says so, not when the time comes. */
    private static final class ManualTimer extends ScheduledThreadPoolExecutor {
        final List<Runnable> scheduled = new CopyOnWriteArrayList<>();

        ManualTimer() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
            scheduled.add(task);
            // A real, cancellable future that will never fire during the test.
            return super.schedule(() -> { }, 1, TimeUnit.DAYS);
        }

        void fireAll() {
            scheduled.forEach(Runnable::run);
        }
    }

    private final ManualTimer timer = new ManualTimer();
    private final Collapser collapser = new Collapser(Duration.ofSeconds(5), 1000, timer);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void aHundredConcurrentJoins_makeExactlyOneLeader() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(100);
        List<Collapser.Ticket> tickets = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Collapser.Ticket>> joined = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                joined.add(threads.submit(() -> {
                    start.await();
                    return collapser.join("k");
                }));
            }
            start.countDown();
            for (Future<Collapser.Ticket> f : joined) {
                tickets.add(f.get());
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(tickets).filteredOn(t -> t.role() == Collapser.Role.LEADER).hasSize(1);
        assertThat(tickets).filteredOn(t -> t.role() == Collapser.Role.FOLLOWER).hasSize(99);
        assertThat(tickets).allSatisfy(t -> assertThat(t.outcome()).isNotDone());

        collapser.done("k", true);

        assertThat(tickets).allSatisfy(t -> assertThat(t.outcome()).isCompletedWithValue(true));
        assertThat(collapser.inFlight()).isZero();
    }

    @Test
    void aLeaderThatCouldNotStore_tellsItsFollowersToFetch() {
        collapser.join("k");
        CompletableFuture<Boolean> follower = collapser.join("k").outcome();

        collapser.done("k", false);

        assertThat(follower).isCompletedWithValue(false);
    }

    @Test
    void afterDone_theNextCallerLeads() {
        collapser.join("k");
        collapser.done("k", true);

        assertThat(collapser.join("k").role()).isEqualTo(Collapser.Role.LEADER);
    }

    @Test
    void keys_flyApart() {
        assertThat(collapser.join("a").role()).isEqualTo(Collapser.Role.LEADER);
        assertThat(collapser.join("b").role()).isEqualTo(Collapser.Role.LEADER);
        CompletableFuture<Boolean> onA = collapser.join("a").outcome();

        collapser.done("b", true);

        assertThat(onA).isNotDone();
        assertThat(collapser.inFlight()).isEqualTo(1);
    }

    @Test
    void aLeaderThatNeverCallsDone_timesOut_releasingFollowersAndTheKey() {
        Collapser.Ticket leader = collapser.join("k");
        CompletableFuture<Boolean> follower = collapser.join("k").outcome();

        timer.fireAll();

        assertThat(follower).isCompletedWithValue(false);
        assertThat(leader.outcome()).as("the leader can tell it timed out").isCompletedWithValue(false);
        assertThat(collapser.inFlight()).isZero();
        assertThat(collapser.join("k").role()).isEqualTo(Collapser.Role.LEADER);
    }

    @Test
    void aTimeoutAfterDone_changesNothing() {
        collapser.join("k");
        Runnable firstTimeout = timer.scheduled.getFirst();
        CompletableFuture<Boolean> follower = collapser.join("k").outcome();
        collapser.done("k", true);
        Collapser.Ticket nextLeader = collapser.join("k");

        firstTimeout.run();

        assertThat(follower).isCompletedWithValue(true);
        assertThat(nextLeader.outcome()).as("the first flight's timeout is not the second's").isNotDone();
    }

    @Test
    void pastMaxFollowers_callersBypass() {
        Collapser small = new Collapser(Duration.ofSeconds(5), 2, timer);
        small.join("k");
        small.join("k");
        small.join("k");

        Collapser.Ticket third = small.join("k");

        assertThat(third.role()).isEqualTo(Collapser.Role.BYPASS);
        assertThat(third.outcome()).isCompletedWithValue(false);
    }

    @Test
    void aFollowerCancellingItsWait_leavesTheOthersWaiting() {
        collapser.join("k");
        CompletableFuture<Boolean> impatient = collapser.join("k").outcome();
        CompletableFuture<Boolean> patient = collapser.join("k").outcome();

        impatient.cancel(false);
        collapser.done("k", true);

        assertThat(patient).isCompletedWithValue(true);
    }

    @Test
    void withoutATimer_nobodyWaits() {
        ScheduledThreadPoolExecutor stopped = new ScheduledThreadPoolExecutor(1);
        stopped.shutdown();
        Collapser untimed = new Collapser(Duration.ofSeconds(5), 10, stopped);

        assertThat(untimed.join("k").role()).isEqualTo(Collapser.Role.LEADER);
        assertThat(untimed.inFlight()).isZero();
    }
}
