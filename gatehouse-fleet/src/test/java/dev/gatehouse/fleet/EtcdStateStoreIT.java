package dev.gatehouse.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.BackendOverride;
import dev.gatehouse.core.state.PoolRuntime;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateConflict;
import dev.gatehouse.core.state.StateOutcomeUnknown;
import dev.gatehouse.testing.EtcdCluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet's state store against a real etcd cluster (3 members): two nodes' stores on one fleet
 * prefix, racing writers, watches, and values a node must refuse to load.
 */
final class EtcdStateStoreIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger FLEETS = new AtomicInteger();

    private static EtcdCluster etcd;
    private static Client nodeA;
    private static Client nodeB;

    @BeforeAll
    static void start() {
        etcd = EtcdCluster.start(3);
        nodeA = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
        nodeB = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB, etcd}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // Closing what a failed start left.
            }
        }
    }

    /** A fleet prefix of its own per test. */
    private static String fleet() {
        return "/gatehouse/test-fleets/f" + FLEETS.incrementAndGet();
    }

    private static RuntimeState state(long revision, int weight) {
        HostPort a = HostPort.parse("10.0.0.1:8080");
        return new RuntimeState(revision, Map.of("web", new PoolRuntime(
                List.of(new BackendConfig(HostPort.parse("10.0.0.2:8080"), 5, "v2")), List.of(),
                List.of(new BackendOverride(a, weight, AdminState.DRAIN, null)))));
    }

    @Test
    void anEmptyFleet_loadsAsNoChange_andASavedStateIsSeenByAnotherNode() throws Exception {
        String fleet = fleet();
        EtcdStateStore a = new EtcdStateStore(nodeA, fleet, TIMEOUT);
        EtcdStateStore b = new EtcdStateStore(nodeB, fleet, TIMEOUT);

        assertThat(a.load()).isEqualTo(RuntimeState.EMPTY);
        a.save(state(1, 3));

        assertThat(b.load()).isEqualTo(state(1, 3));
        assertThat(b.revision()).isEqualTo(a.revision()).isPositive();
    }

    @Test
    void twoNodesRacingFromTheSameState_oneWins_theOtherGetsTheWinnersState() throws Exception {
        String fleet = fleet();
        EtcdStateStore a = new EtcdStateStore(nodeA, fleet, TIMEOUT);
        EtcdStateStore b = new EtcdStateStore(nodeB, fleet, TIMEOUT);
        a.save(state(1, 1));
        b.load();
        a.load();

        a.save(state(2, 2));
        StateConflict lost = catchThrowableOfType(StateConflict.class, () -> b.save(state(2, 9)));
        assertThat(lost.current()).isEqualTo(state(2, 2));
        assertThat(lost.revision()).isEqualTo(a.revision());

        // Nothing of the loser's change was written; once the winner's state is in force on b
        // (the control plane adopts it and says so), b may try again from it.
        assertThat(new EtcdStateStore(nodeA, fleet, TIMEOUT).load()).isEqualTo(state(2, 2));
        lost.adopted();
        b.save(state(3, 9));
        assertThat(a.load()).isEqualTo(state(3, 9));
    }

    @Test
    void aNodeThatDoesNotAdoptTheWinningState_keepsBeingRefused_andOverwritesNothing() throws Exception {
        String fleet = fleet();
        EtcdStateStore a = new EtcdStateStore(nodeA, fleet, TIMEOUT);
        EtcdStateStore b = new EtcdStateStore(nodeB, fleet, TIMEOUT);
        a.save(state(1, 1));
        b.load();
        a.save(state(2, 2));

        StateConflict first = catchThrowableOfType(StateConflict.class, () -> b.save(state(2, 7)));
        // b could not put the winner's state in force (its config does not fit it, say): no adopted().
        StateConflict second = catchThrowableOfType(StateConflict.class, () -> b.save(state(2, 8)));
        assertThat(second).as("refused again, not written over the winner").isNotNull();
        assertThat(a.load()).isEqualTo(state(2, 2));

        second.adopted();
        b.save(state(3, 9));
        assertThat(a.load()).isEqualTo(state(3, 9));
        assertThat(first.current()).isEqualTo(state(2, 2));
    }

    @Test
    void aWatchFromTheRevisionOfARead_worksAfterCompaction_andMissesNothing() throws Exception {
        String fleet = fleet();
        EtcdStateStore writer = new EtcdStateStore(nodeA, fleet, TIMEOUT);
        EtcdStateStore follower = new EtcdStateStore(nodeB, fleet, TIMEOUT);
        writer.save(state(1, 1));
        // Other keys move the store's revision on; compaction then drops the history before it.
        long latest = 0;
        for (int i = 0; i < 5; i++) {
            latest = nodeA.getKVClient().put(ByteSequence.from(fleet + "/other", UTF_8), ByteSequence.from("x" + i, UTF_8))
                    .get().getHeader().getRevision();
        }
        nodeA.getKVClient().compact(latest).get();

        EtcdStateStore.Read read = follower.read();
        assertThat(read.atRevision()).isGreaterThanOrEqualTo(latest).isGreaterThan(read.modRevision());
        Recorder seen = new Recorder();
        try (AutoCloseable w = follower.watch(read.atRevision(), seen)) {
            writer.save(state(2, 2));
            await().atMost(WAIT).until(() -> !seen.weights.isEmpty() || !seen.failures.isEmpty());
        }
        assertThat(seen.failures).isEmpty();
        assertThat(seen.weights).containsExactly(2L);
    }

    @Test
    void twoNodesCreatingTheFirstState_oneWins() throws Exception {
        String fleet = fleet();
        EtcdStateStore a = new EtcdStateStore(nodeA, fleet, TIMEOUT);
        EtcdStateStore b = new EtcdStateStore(nodeB, fleet, TIMEOUT);
        a.load();
        b.load();

        a.save(state(1, 1));
        assertThatThrownBy(() -> b.save(state(1, 2))).isInstanceOf(StateConflict.class);
        assertThat(b.load()).isEqualTo(state(1, 1));
    }

    @Test
    void aWatch_seesEveryCommittedStateInOrder_andRefusesWhatDoesNotRead() throws Exception {
        String fleet = fleet();
        EtcdStateStore writer = new EtcdStateStore(nodeA, fleet, TIMEOUT);
        EtcdStateStore watcher = new EtcdStateStore(nodeB, fleet, TIMEOUT);
        watcher.load();
        Recorder seen = new Recorder();
        try (AutoCloseable w = watcher.watch(watcher.revision(), seen)) {
            for (int i = 1; i <= 5; i++) {
                writer.save(state(i, i));
            }
            // Something else writes the key: the watcher reports it and keeps its last good state.
            nodeA.getKVClient().put(ByteSequence.from(fleet + "/state", UTF_8), ByteSequence.from("{\"schema\":\"other/9\"}", UTF_8)).get();
            await().atMost(WAIT).until(() -> seen.revisions.size() == 6);
        }
        assertThat(seen.weights).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seen.revisions).isSorted();
        assertThat(seen.failures).singleElement().asString().contains("schema \"other/9\"");
    }

    @Test
    void aForeignOrCorruptValue_isAClearError_andNothingIsLoaded() throws Exception {
        String fleet = fleet();
        ByteSequence key = ByteSequence.from(fleet + "/state", UTF_8);
        EtcdStateStore store = new EtcdStateStore(nodeA, fleet, TIMEOUT);

        nodeA.getKVClient().put(key, ByteSequence.from("not json {", UTF_8)).get();
        assertThatThrownBy(store::load).isInstanceOf(IOException.class)
                .hasMessageContaining("etcd key " + fleet + "/state").hasMessageContaining("not JSON");

        nodeA.getKVClient().put(key, ByteSequence.from("{\"revision\": 1, \"pools\": {}}", UTF_8)).get();
        assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("no \"schema\" field");

        nodeA.getKVClient().put(key, ByteSequence.from("{\"schema\":\"gatehouse.fleet.state/2\",\"state\":{}}", UTF_8)).get();
        assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("gatehouse.fleet.state/2");

        nodeA.getKVClient().put(key, ByteSequence.from(
                "{\"schema\":\"gatehouse.fleet.state/1\",\"state\":{\"revision\":1,\"pools\":{\"web\":{\"overrides\":"
                        + "[{\"address\":\"10.0.0.1:80\",\"admin\":\"drian\"}]}}}}", UTF_8)).get();
        assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("drian");
    }

    @Test
    void aFleetThatPointsAtNothing_failsWithinFiveTimeouts_withAClearError() {
        try (Client nowhere = Client.builder().endpoints("http://127.0.0.1:1").build()) {
            EtcdStateStore store = new EtcdStateStore(nowhere, fleet(), Duration.ofSeconds(1));
            long start = System.nanoTime();
            assertThatThrownBy(store::load).isInstanceOf(IOException.class).hasMessageContaining("etcd");
            // A node's first read tries for five timeouts (a new client's first call also connects).
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            // A write that gets no answer may still have been applied: it says so.
            assertThatThrownBy(() -> store.save(state(1, 1))).isInstanceOf(StateOutcomeUnknown.class)
                    .hasMessageContaining("may or may not be applied");
        }
    }

    /** Records what a watch tells: each state's first override weight and revision, and every refusal or failure. */
    private static final class Recorder implements EtcdStateStore.StateListener {
        final List<Long> weights = new CopyOnWriteArrayList<>();
        final List<Long> revisions = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();

        @Override
        public void changed(RuntimeState state, long revision) {
            weights.add((long) state.pools().get("web").overrides().get(0).weight());
            revisions.add(revision);
        }

        @Override
        public void rejected(long revision, String why) {
            failures.add(why);
            revisions.add(revision);
        }

        @Override
        public void failed(Throwable cause) {
            failures.add("failed: " + cause);
        }
    }
}
