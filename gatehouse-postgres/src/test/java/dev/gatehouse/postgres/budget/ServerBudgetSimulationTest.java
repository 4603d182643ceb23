package dev.gatehouse.postgres.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives a budget with random arrivals, transactions, failures, timeouts and cancellations, and
 * carries out every grant as the I/O layer must (a connection closed to make room is closed
 * before the new one opens), while it checks at every step that the server never holds more
 * connections than the cap, no pool more than its maximum, the budget's counts match the
 * connections that exist, and each pool's clients are served in the order they arrived.
 */
final class ServerBudgetSimulationTest {

    private static final int CAP = 6;

    /** A connection as the I/O layer sees it. */
    private enum State { OPENING, BUSY, IDLE, CLOSING }

    private static final class Conn {
        final PoolKey pool;
        State state;
        Client client;
        /** For a closing connection: the client to open a connection for once it is closed. */
        Client then;
        PoolKey thenPool;
        /** A closing connection the budget still counts (a Close grant), reported when closed. */
        boolean countedUntilClosed;

        Conn(PoolKey pool, State state) {
            this.pool = pool;
            this.state = state;
        }
    }

    private record Client(PoolKey pool, long arrival) {}

    private final AtomicLong now = new AtomicLong();
    private final List<Conn> conns = new ArrayList<>();
    private final List<Client> queued = new ArrayList<>();
    private final Map<PoolKey, Long> lastServed = new HashMap<>();
    private final Map<PoolKey, Integer> max = new HashMap<>();
    private ServerBudget<Client> budget;
    private long arrivals;
    private int served;
    private int timedOut;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomLoad_neverBreaksTheCapOrTheOrder(long seed) {
        Random random = new Random(seed);
        budget = new ServerBudget<>("main", CAP, 1000, now::get);
        List<PoolKey> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            PoolKey key = new PoolKey("db" + (i % 2), "user" + i);
            int min = i == 0 ? 1 : 0;
            int poolMax = 1 + random.nextInt(CAP);
            budget.addPool(key, min, Math.max(min, poolMax), Duration.ofMillis(50));
            max.put(key, Math.max(min, poolMax));
            keys.add(key);
        }
        for (PoolKey key : budget.fillMinimums()) {
            conns.add(new Conn(key, State.OPENING));
        }
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(100);
            if (op < 25) {
                Client c = new Client(keys.get(random.nextInt(keys.size())), arrivals++);
                apply(budget.acquire(c.pool, c), c, null);
            } else if (op < 45) {
                pick(random, State.OPENING).ifPresent(this::opened);
            } else if (op < 70) {
                pick(random, State.BUSY).ifPresent(conn -> apply(budget.released(conn.pool), null, conn));
            } else if (op < 85) {
                pick(random, State.CLOSING).ifPresent(this::closeDone);
            } else if (op < 88) {
                pick(random, State.BUSY).ifPresent(conn -> die(conn, false));
            } else if (op < 90) {
                pick(random, State.IDLE).ifPresent(conn -> die(conn, true));
            } else if (op < 92 && !queued.isEmpty()) {
                Client c = queued.get(random.nextInt(queued.size()));
                assertThat(budget.cancel(c.pool, c)).isTrue();
                queued.remove(c);
            } else if (op < 95) {
                pick(random, State.IDLE).ifPresent(conn -> {
                    if (budget.takeIdleForClosing(conn.pool, false)) {
                        conn.state = State.CLOSING;
                        conn.countedUntilClosed = true;
                    }
                });
            } else {
                now.addAndGet(Duration.ofMillis(5).toNanos());
                List<Client> expired = budget.expire();
                timedOut += expired.size();
                queued.removeAll(expired);
            }
            check();
        }
        assertThat(served).isGreaterThan(1000);
        assertThat(timedOut).isGreaterThan(0);
    }

    private java.util.Optional<Conn> pick(Random random, State state) {
        List<Conn> in = conns.stream().filter(c -> c.state == state).toList();
        return in.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(in.get(random.nextInt(in.size())));
    }

    /** Carries out a grant for a new client {@code c} or a returned connection {@code conn}. */
    private void apply(Grant<Client> grant, Client c, Conn conn) {
        switch (grant) {
            case Grant.TakeIdle<Client> g -> granted(c);
            case Grant.Open<Client> g -> granted(c);
            case Grant.OpenAfterClosing<Client> g -> granted(c);
            case Grant.HandOver<Client> g -> granted(g.waiter());
            case Grant.OpenFor<Client> g -> granted(g.waiter());
            default -> { }
        }
        switch (grant) {
            case Grant.TakeIdle<Client> g -> {
                Conn idle = conns.stream().filter(x -> x.pool.equals(c.pool) && x.state == State.IDLE).findFirst()
                        .orElseThrow(() -> new AssertionError("TakeIdle with no idle connection in " + c.pool));
                idle.state = State.BUSY;
                serve(idle, c);
            }
            case Grant.Open<Client> g -> startOpening(c.pool, c);
            case Grant.OpenAfterClosing<Client> g -> {
                Conn victim = conns.stream().filter(x -> x.pool.equals(g.victim()) && x.state == State.IDLE)
                        .findFirst().orElseThrow(() -> new AssertionError("no idle victim in " + g.victim()));
                victim.state = State.CLOSING;
                victim.then = c;
                victim.thenPool = c.pool;
            }
            case Grant.Queued<Client> g -> queued.add(c);
            case Grant.Rejected<Client> g -> throw new AssertionError("rejected: " + g.reason());
            case Grant.HandOver<Client> g -> {
                queued.remove(g.waiter());
                serve(conn, g.waiter());
            }
            case Grant.OpenFor<Client> g -> {
                queued.remove(g.waiter());
                if (conn != null) {
                    conn.state = State.CLOSING;
                    conn.then = g.waiter();
                    conn.thenPool = g.pool();
                } else {
                    startOpening(g.pool(), g.waiter());
                }
            }
            case Grant.Close<Client> g -> {
                conn.state = State.CLOSING;
                conn.countedUntilClosed = true;
            }
            case Grant.KeepIdle<Client> g -> {
                conn.state = State.IDLE;
                conn.client = null;
            }
            case Grant.None<Client> g -> { }
        }
    }

    private void startOpening(PoolKey pool, Client c) {
        Conn conn = new Conn(pool, State.OPENING);
        conn.client = c;
        conns.add(conn);
    }

    private void opened(Conn conn) {
        if (conn.client == null) {
            conn.state = State.BUSY;     // a minimum's connection: ready, reported as returned
            apply(budget.released(conn.pool), null, conn);
        } else {
            conn.state = State.BUSY;
            serve(conn, conn.client);
        }
    }

    private void serve(Conn conn, Client c) {
        assertThat(c.pool).isEqualTo(conn.pool);
        conn.client = c;
        served++;
    }

    /** The budget gave client {@code c} a connection: no later client of its pool got one before. */
    private void granted(Client c) {
        Long last = lastServed.get(c.pool);
        assertThat(last == null || c.arrival > last)
                .as("%s granted client %d after %d", c.pool, c.arrival, last).isTrue();
        lastServed.put(c.pool, c.arrival);
    }

    private void closeDone(Conn conn) {
        conns.remove(conn);
        if (conn.countedUntilClosed) {
            apply(budget.closed(conn.pool, false), null, null);
        } else if (conn.then != null) {
            startOpening(conn.thenPool, conn.then);
        }
    }

    private void die(Conn conn, boolean idle) {
        conns.remove(conn);
        apply(budget.closed(conn.pool, idle), null, null);
    }

    private void check() {
        assertThat(conns.size()).as("connections to the server").isLessThanOrEqualTo(CAP);
        BudgetSnapshot snap = budget.snapshot();
        int counted = 0;
        for (BudgetSnapshot.PoolCounts pc : snap.pools()) {
            long real = conns.stream().filter(x -> x.pool.equals(pc.pool())).count();
            long pending = conns.stream().filter(x -> x.state == State.CLOSING && pc.pool().equals(x.thenPool)).count();
            long notCounted = conns.stream().filter(x -> x.pool.equals(pc.pool()) && x.state == State.CLOSING
                    && !x.countedUntilClosed).count();
            long idle = conns.stream().filter(x -> x.pool.equals(pc.pool()) && x.state == State.IDLE).count();
            assertThat(pc.open()).as("%s counted", pc.pool()).isEqualTo(real - notCounted + pending);
            assertThat(pc.idle()).as("%s idle", pc.pool()).isEqualTo(idle);
            // A connection closing to make room for another pool no longer counts toward its own.
            assertThat(real - notCounted).as("%s at most its max", pc.pool()).isLessThanOrEqualTo(max.get(pc.pool()));
            counted += pc.open();
        }
        assertThat(snap.open()).isEqualTo(counted);
        assertThat(snap.waiting()).isEqualTo(queued.size());
    }
}
