package dev.gatehouse.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.core.config.FleetConfig;
import dev.gatehouse.core.fleet.FleetView;
import dev.gatehouse.core.fleet.Freshness;
import dev.gatehouse.core.fleet.NodeReport;
import dev.gatehouse.core.state.PoolVersions;
import dev.gatehouse.core.state.RuntimeState;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's heartbeat, run three times per {@code stale_after} on a thread of its own: a
 * linearizable read of the fleet's state confirms that this node's state is current
 * ({@link Freshness}); then the node writes its {@link NodeReport} under
 * {@code <fleet>/nodes/<node>} (an agent under {@code <fleet>/agents/<node>}, so that the keys
 * under {@code nodes/}, which cutovers wait for, are the balancers') with a lease, and reads every node's report for status. The lease
 * only makes a stopped node's report go away after a while; nothing depends on it for safety.
 */
final class Heartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetConfig config;
    private final Client client;
    private final EtcdStateStore store;
    private final Freshness freshness;
    private final Supplier<RuntimeState> inForce;
    private final long startedMillis = System.currentTimeMillis();
    private final ByteSequence nodeKey;
    private final ByteSequence nodesPrefix;
    private final ByteSequence agentsPrefix;
    private final Supplier<Map<String, NodeReport.AppRun>> apps;
    private final long leaseSeconds;
    private volatile long lease;
    /** When the lease was last renewed with the report written under it (send time); 0 before. */
    private volatile long leaseRenewedNanos;
    private volatile boolean reportedStale;
    private volatile FleetView view = new FleetView(List.of());
    private final CatchUp catchUp;

    /** Puts in force a state the heartbeat read that is newer than the one in force, and returns once it is. */
    @FunctionalInterface
    interface CatchUp {
        void apply(EtcdStateStore.Read read);
    }

    Heartbeat(FleetConfig config, Client client, EtcdStateStore store, Freshness freshness, Supplier<RuntimeState> inForce,
              CatchUp catchUp, Supplier<Map<String, NodeReport.AppRun>> apps) {
        this.apps = apps;
        this.catchUp = catchUp;
        this.config = config;
        this.client = client;
        this.store = store;
        this.freshness = freshness;
        this.inForce = inForce;
        this.nodesPrefix = ByteSequence.from(config.keyPrefix() + "/nodes/", UTF_8);
        this.agentsPrefix = ByteSequence.from(config.keyPrefix() + "/agents/", UTF_8);
        this.nodeKey = ByteSequence.from(config.keyPrefix() + (config.isAgent() ? "/agents/" : "/nodes/") + config.node(), UTF_8);
        // For display: long enough that a node is not shown gone between two beats and a leader change.
        this.leaseSeconds = Math.max(10, config.staleAfter().multipliedBy(4).toSeconds());
    }

    /** The nodes as last read. */
    FleetView view() {
        return view;
    }

    /**
     * One confirmation; never throws (a failure is a missed confirmation, logged when it makes
     * the node stale). A linearizable read of the state confirms the node only if the state it
     * finds is not newer than the one in force (a newer one, which a watch that fell behind or
     * broke did not deliver, is put in force first) and only while the node is surely registered:
     * its report key exists because its lease was renewed less than half the lease's time ago. A
     * coordinator that reads the members after its commit thus sees every node that may confirm
     * from a read older than the commit (see {@link dev.gatehouse.core.fleet.FenceCoordinator}).
     * Runs on a thread of its own, apart from {@link #report}, so that a slow write of the report
     * never delays the next confirmation.
     */
    void confirm() {
        try {
            long sent = System.nanoTime();
            EtcdStateStore.Read read = store.read();
            if (read.modRevision() > store.revision()) {
                catchUp.apply(read);
            }
            if (read.modRevision() <= store.revision() && registered()) {
                freshness.confirmed(sent);
            } else {
                LOG.debug("fleet {}: not confirmed: revision {} (in force: {}), registered {}", config.name(),
                        read.modRevision(), store.revision(), registered());
            }
        } catch (IOException e) {
            LOG.debug("fleet {}: the state could not be confirmed: {}", config.name(), e.getMessage());
        }
        logTransition();
    }

    /** One report of this node, and a read of every node's; never throws. */
    void report() {
        try {
            write();
            view = FleetView.of(reports(), System.currentTimeMillis());
        } catch (IOException e) {
            LOG.debug("fleet {}: heartbeat not written or read: {}", config.name(), e.getMessage());
        }
    }

    /** Whether this node's report key surely exists: its lease was renewed less than half its time ago. */
    private boolean registered() {
        long renewed = leaseRenewedNanos;
        return lease != 0 && renewed != 0 && System.nanoTime() - renewed < leaseSeconds * 500_000_000L;
    }

    private void logTransition() {
        boolean stale = freshness.stale();
        if (stale && !reportedStale) {
            LOG.warn("fleet {}: STALE: no confirmed read of the fleet's state for {} ms (stale_after {} ms); this node's "
                    + "state may be behind the fleet's", config.name(), freshness.sinceConfirmed().toMillis(),
                    config.staleAfter().toMillis());
        } else if (!stale && reportedStale) {
            LOG.info("fleet {}: current again: the fleet's state was confirmed", config.name());
        }
        reportedStale = stale;
    }

    private void write() throws IOException {
        RuntimeState state = inForce.get();
        Map<String, NodeReport.PoolEpoch> pools = new LinkedHashMap<>();
        for (Map.Entry<String, PoolVersions> e : state.versions().entrySet()) {
            pools.put(e.getKey(), new NodeReport.PoolEpoch(e.getValue().live(), e.getValue().epoch()));
        }
        NodeReport r = new NodeReport(config.node(), startedMillis, System.currentTimeMillis(), store.revision(),
                freshness.stale(), pools, config.staleAfter().toMillis(),
                config.isAgent() ? NodeReport.AGENT : NodeReport.BALANCER, config.isAgent() ? apps.get() : Map.of());
        long sent = System.nanoTime();
        long l = lease();
        call(client.getKVClient().put(nodeKey, ByteSequence.from(JSON.writeValueAsBytes(r)),
                PutOption.builder().withLeaseId(l).build()), "write " + nodeKey);
        // The lease was renewed (or granted) after this moment, and the key is written under it.
        leaseRenewedNanos = sent;
    }

    /** The lease for this node's report: kept alive at every beat, granted anew once expired. */
    private long lease() throws IOException {
        if (lease != 0) {
            try {
                call(client.getLeaseClient().keepAliveOnce(lease), "keep the heartbeat's lease alive");
                return lease;
            } catch (IOException e) {
                // Expired (this node was cut off longer than its TTL) or unknown: take a new one.
                lease = 0;
                leaseRenewedNanos = 0;
            }
        }
        lease = call(client.getLeaseClient().grant(leaseSeconds), "grant the heartbeat's lease").getID();
        return lease;
    }

    private List<NodeReport> reports() throws IOException {
        List<NodeReport> out = new ArrayList<>();
        List<KeyValue> kvs = new ArrayList<>(call(client.getKVClient().get(nodesPrefix, GetOption.builder().isPrefix(true).build()),
                "read the nodes' heartbeats").getKvs());
        kvs.addAll(call(client.getKVClient().get(agentsPrefix, GetOption.builder().isPrefix(true).build()),
                "read the agents' heartbeats").getKvs());
        for (KeyValue kv : kvs) {
            try {
                out.add(JSON.readValue(kv.getValue().getBytes(), NodeReport.class));
            } catch (IOException e) {
                LOG.debug("fleet {}: heartbeat {} unreadable: {}", config.name(), kv.getKey().toString(UTF_8), e.getMessage());
            }
        }
        return out;
    }

    /** Takes this node's report away at a clean stop, so status does not show it until its lease ends. */
    void leave() {
        if (lease != 0) {
            try {
                call(client.getLeaseClient().revoke(lease), "revoke the heartbeat's lease");
            } catch (IOException e) {
                LOG.debug("fleet {}: lease not revoked: {}", config.name(), e.getMessage());
            }
        }
    }

    private <T> T call(CompletableFuture<T> f, String what) throws IOException {
        return EtcdCalls.await(f, config.timeout(), what);
    }
}
