package dev.gatehouse.core.admission;

import static dev.gatehouse.core.admission.Fixtures.members;
import static dev.gatehouse.core.admission.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class PoolAdmissionConcurrencyTest {

    private static final int THREADS = 4;
    private static final int PER_THREAD = 10_000;
    private static final int LIMIT = 2;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void admitAndRelease_fromFourThreads_neverExceedTheLimitAndGrantEveryone() throws Exception {
        FakeClock clock = new FakeClock();
        PoolAdmission pool = PoolAdmission.create(Fixtures.fixed(LIMIT, THREADS * PER_THREAD), clock);
        List<Member> three = members(3);
        Balancer rr = Balancer.roundRobin();
        PickContext[] contexts = {request("GET", "/a"), request("GET", "/b/1")};
        AtomicInteger[] maxSeen = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
        AtomicLong served = new AtomicLong();
        AtomicLongArray violations = new AtomicLongArray(1);

        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            results.add(threads.submit(() -> {
                // Grants to this thread's queued requests arrive on any thread: hand them here.
                BlockingQueue<Ticket> mine = new ArrayBlockingQueue<>(PER_THREAD);
                go.await();
                for (int i = 0; i < PER_THREAD; i++) {
                    Admit admit = pool.admit(three, rr, contexts[i % 2], null, mine::add);
                    switch (admit) {
                        case Admit.Granted g -> mine.add(g.ticket());
                        case Admit.Queued q -> {
                        }
                        case Admit.Rejected r -> throw new AssertionError("rejected: " + r.reason());
                    }
                    // Hold a few tickets at a time so the queue fills and drains.
                    while (mine.size() > (i + id) % 3) {
                        Ticket ticket = mine.poll();
                        check(ticket, three, maxSeen, violations);
                        ticket.release(1_000_000, (i & 7) == 0 ? Outcome.FAILURE : Outcome.SUCCESS);
                        served.incrementAndGet();
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (served.get() < (long) THREADS * PER_THREAD && System.nanoTime() < deadline) {
                    Ticket ticket = mine.poll(10, TimeUnit.MILLISECONDS);
                    if (ticket != null) {
                        check(ticket, three, maxSeen, violations);
                        ticket.release(1_000_000, Outcome.SUCCESS);
                        served.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : results) {
            f.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertThat(violations.get(0)).isZero();
        assertThat(served.get()).isEqualTo((long) THREADS * PER_THREAD);
        for (int m = 0; m < 3; m++) {
            assertThat(maxSeen[m].get()).isBetween(1, LIMIT);
            assertThat(pool.inFlight(three.get(m))).isZero();
        }
        assertThat(pool.queueLength()).isZero();
        assertThat(pool.stats().queuedTotal()).isPositive();
    }

    private static void check(Ticket ticket, List<Member> members, AtomicInteger[] maxSeen, AtomicLongArray violations) {
        int index = members.indexOf(ticket.member());
        int inFlight = ticket.member().load().inFlight();
        maxSeen[index].accumulateAndGet(inFlight, Math::max);
        if (inFlight > LIMIT) {
            violations.incrementAndGet(0);
        }
    }
}
