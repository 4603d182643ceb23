package dev.gatehouse.postgres.budget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class ServerBudgetTest {

    private static final PoolKey A = new PoolKey("app", "alice");
    private static final PoolKey B = new PoolKey("app", "bob");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong();

    private ServerBudget<String> budget(int cap) {
        ServerBudget<String> budget = new ServerBudget<>("main", cap, 100, now::get);
        budget.addPool(A, 0, cap, WAIT);
        budget.addPool(B, 0, cap, WAIT);
        return budget;
    }

    @Test
    void acquire_opensUpToTheCapThenQueues() {
        ServerBudget<String> budget = budget(2);

        assertThat(budget.acquire(A, "a1")).isInstanceOf(Grant.Open.class);
        assertThat(budget.acquire(B, "b1")).isInstanceOf(Grant.Open.class);
        assertThat(budget.acquire(A, "a2")).isInstanceOf(Grant.Queued.class);

        BudgetSnapshot snap = budget.snapshot();
        assertThat(snap.open()).isEqualTo(2);
        assertThat(snap.waiting()).isEqualTo(1);
    }

    @Test
    void released_handsTheConnectionToTheSamePoolsWaiter() {
        ServerBudget<String> budget = budget(1);
        budget.acquire(A, "a1");
        budget.acquire(A, "a2");

        assertThat(budget.released(A)).isEqualTo(new Grant.HandOver<>("a2"));
        assertThat(budget.released(A)).isInstanceOf(Grant.KeepIdle.class);
        assertThat(budget.acquire(A, "a3")).isInstanceOf(Grant.TakeIdle.class);
    }

    @Test
    void acquire_atTheCapClosesAnotherPoolsIdleConnectionAtOnce() {
        ServerBudget<String> budget = budget(2);
        budget.acquire(A, "a1");
        budget.acquire(A, "a2");
        budget.released(A);
        budget.released(A);

        assertThat(budget.acquire(B, "b1")).isEqualTo(new Grant.OpenAfterClosing<>(A));
        BudgetSnapshot snap = budget.snapshot();
        assertThat(snap.open()).isEqualTo(2);
        assertThat(snap.pools().get(0).open()).isEqualTo(1);
        assertThat(snap.pools().get(0).idle()).isEqualTo(1);
        assertThat(snap.pools().get(1).open()).isEqualTo(1);
    }

    @Test
    void acquire_leavesAPoolItsMinimum() {
        ServerBudget<String> budget = new ServerBudget<>("main", 2, 100, now::get);
        budget.addPool(A, 2, 2, WAIT);
        budget.addPool(B, 0, 2, WAIT);
        assertThat(budget.fillMinimums()).containsExactly(A, A);
        budget.released(A);
        budget.released(A);

        assertThat(budget.acquire(B, "b1")).isInstanceOf(Grant.Queued.class);
    }

    @Test
    void released_givesRoomToAnOlderWaiterOfAnotherPoolFirst() {
        ServerBudget<String> budget = budget(1);
        budget.acquire(A, "a1");
        budget.acquire(B, "b1");   // waits first
        budget.acquire(A, "a2");   // waits second

        assertThat(budget.released(A)).isEqualTo(new Grant.OpenFor<>("b1", B));
        assertThat(budget.released(B)).isEqualTo(new Grant.OpenFor<>("a2", A));
        assertThat(budget.snapshot().open()).isEqualTo(1);
    }

    @Test
    void closed_letsTheOldestWaiterThatFitsIn() {
        ServerBudget<String> budget = new ServerBudget<>("main", 2, 100, now::get);
        budget.addPool(A, 0, 1, WAIT);
        budget.addPool(B, 0, 2, WAIT);
        budget.acquire(A, "a1");
        budget.acquire(B, "b1");
        budget.acquire(A, "a2");   // waits for A's maximum, not for the cap
        budget.acquire(B, "b2");

        assertThat(budget.closed(B, false)).isEqualTo(new Grant.OpenFor<>("b2", B));
        assertThat(budget.closed(A, false)).isEqualTo(new Grant.OpenFor<>("a2", A));
    }

    @Test
    void newClient_doesNotOvertakeAnOlderWaiterForTheCap() {
        ServerBudget<String> budget = budget(1);
        budget.acquire(A, "a1");
        budget.released(A);              // idle in A, cap reached
        budget.acquire(A, "a2");         // takes it
        budget.acquire(B, "b1");         // waits: nothing idle elsewhere

        assertThat(budget.acquire(B, "b2")).isInstanceOf(Grant.Queued.class);
        assertThat(budget.released(A)).isEqualTo(new Grant.OpenFor<>("b1", B));
    }

    @Test
    void expire_takesOutClientsWhoseWaitRanOut() {
        ServerBudget<String> budget = budget(1);
        budget.acquire(A, "a1");
        budget.acquire(A, "a2");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        budget.acquire(B, "b1");
        now.addAndGet(Duration.ofSeconds(20).toNanos());

        assertThat(budget.expire()).containsExactly("a2");
        assertThat(budget.snapshot().waiting()).isEqualTo(1);
        assertThat(budget.snapshot().pools().get(1).oldestWait()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void cancel_removesAQueuedClient() {
        ServerBudget<String> budget = budget(1);
        budget.acquire(A, "a1");
        String a2 = "a2";
        budget.acquire(A, a2);

        assertThat(budget.cancel(A, a2)).isTrue();
        assertThat(budget.cancel(A, a2)).isFalse();
        assertThat(budget.released(A)).isInstanceOf(Grant.KeepIdle.class);
    }

    @Test
    void acquire_rejectsWhenTheQueueIsFull() {
        ServerBudget<String> budget = new ServerBudget<>("main", 1, 1, now::get);
        budget.addPool(A, 0, 1, WAIT);
        budget.acquire(A, "a1");
        budget.acquire(A, "a2");

        assertThat(budget.acquire(A, "a3")).isInstanceOf(Grant.Rejected.class)
                .extracting(g -> ((Grant.Rejected<String>) g).reason()).asString()
                .contains("server main", "1 clients already wait");
    }

    @Test
    void setCap_lowerClosesReturningConnectionsAndHigherLetsWaitersIn() {
        ServerBudget<String> budget = budget(2);
        budget.acquire(A, "a1");
        budget.acquire(A, "a2");
        budget.acquire(A, "a3");

        assertThat(budget.setCap(1)).isEmpty();
        assertThat(budget.overCap()).isTrue();
        assertThat(budget.released(A)).isInstanceOf(Grant.Close.class);
        assertThat(budget.closed(A, false)).isInstanceOf(Grant.None.class);
        assertThat(budget.setCap(3)).containsExactly(new Grant.OpenFor<>("a3", A));
    }

    @Test
    void badArguments_areRefusedWithTheirName() {
        assertThatThrownBy(() -> new ServerBudget<>("main", 0, 1, now::get))
                .hasMessage("cap: 0 (expected: >= 1)");
        ServerBudget<String> budget = budget(1);
        assertThatThrownBy(() -> budget.acquire(new PoolKey("x", "y"), "c"))
                .hasMessageContaining("pool: x/y (expected: one added to server main)");
        assertThatThrownBy(() -> budget.addPool(new PoolKey("x", "y"), 3, 2, WAIT))
                .hasMessageContaining("min 3, max 2");
        assertThatThrownBy(() -> budget.closed(A, false)).isInstanceOf(IllegalStateException.class);
    }
}
