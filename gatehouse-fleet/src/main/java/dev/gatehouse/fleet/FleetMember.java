package dev.gatehouse.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.gatehouse.core.config.FleetConfig;
import dev.gatehouse.core.fleet.FenceAcks;
import dev.gatehouse.core.fleet.FenceStore;
import dev.gatehouse.core.fleet.FleetStatus;
import dev.gatehouse.core.fleet.FleetView;
import dev.gatehouse.core.fleet.Freshness;
import dev.gatehouse.core.state.RuntimeState;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership in a fleet: its etcd client, the fleet's {@link EtcdStateStore}, and the
 * watch that puts in force every state another node commits. Changes are handed to the node one
 * at a time, in revision order, on a thread of their own (never on the etcd client's threads,
 * which a snapshot swap must not hold up). {@link #close()} ends the watch and the client.
 */
public final class FleetMember implements FleetStatus, FenceStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetMember.class);

    private final FleetConfig config;
    private final Client client;
    private final EtcdStateStore store;
    private final EtcdFences fences;
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-fleet-apply");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-fleet-heartbeat");
        t.setDaemon(true);
        return t;
    });
    /** Writes this node's report and reads the others', apart from the confirmations on {@link #heartbeats}. */
    private final ScheduledExecutorService reports = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-fleet-report");
        t.setDaemon(true);
        return t;
    });
    private volatile AutoCloseable watch;
    private volatile Adopter adopter;
    private volatile boolean closed;
    private volatile Freshness freshness;
    private volatile Heartbeat heartbeat;
    /** What an agent reports of its apps in its heartbeat. */
    private volatile java.util.function.Supplier<Map<String, dev.gatehouse.core.fleet.NodeReport.AppRun>> apps = Map::of;

    private FleetMember(FleetConfig config, Client client) {
        this.config = config;
        this.client = client;
        this.store = new EtcdStateStore(client, config.keyPrefix(), config.timeout());
        this.fences = new EtcdFences(client, config.keyPrefix(), config.node(), config.timeout());
    }

    /**
     * Builds the client for the fleet's etcd; nothing is sent yet ({@link EtcdStateStore#load()}
     * is the first call, and fails with a clear error when etcd cannot be reached).
     *
     * @param env the process environment, for {@code password_env}
     * @throws IOException when the password cannot be read
     */
    public static FleetMember connect(FleetConfig config, Map<String, String> env) throws IOException {
        ClientBuilder b = Client.builder().endpoints(config.endpoints().toArray(String[]::new));
        if (config.tls() != null) {
            tls(b, config.tls());
        }
        if (config.user() != null) {
            b.user(ByteSequence.from(config.user(), UTF_8)).password(ByteSequence.from(password(config, env), UTF_8));
        }
        return new FleetMember(config, b.build());
    }

    /** TLS to etcd: jetcd builds the context for gRPC (HTTP/2 by ALPN); this gives it the trust and the key. */
    private static void tls(ClientBuilder b, FleetConfig.Tls tls) throws IOException {
        for (String[] file : new String[][] {{"ca_file", tls.caFile()}, {"cert_file", tls.certFile()}, {"key_file", tls.keyFile()}}) {
            if (file[1] != null && !Files.isReadable(Path.of(file[1]))) {
                throw new IOException("fleet.tls." + file[0] + ": " + file[1] + " cannot be read");
            }
        }
        try {
            b.sslContext(ssl -> {
                if (tls.caFile() != null) {
                    ssl.trustManager(new java.io.File(tls.caFile()));
                }
                if (tls.certFile() != null) {
                    ssl.keyManager(new java.io.File(tls.certFile()), new java.io.File(tls.keyFile()));
                }
            });
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IOException("fleet.tls: " + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + " (expected: PEM files: ca_file certificates, cert_file a chain, key_file its PKCS#8 key)", e);
        }
    }

    private static String password(FleetConfig config, Map<String, String> env) throws IOException {
        if (config.passwordEnv() != null) {
            String p = env.get(config.passwordEnv());
            if (p == null || p.isEmpty()) {
                throw new IOException("fleet.password_env: " + config.passwordEnv() + " is not set in the environment");
            }
            return p;
        }
        try {
            String p = Files.readString(Path.of(config.passwordFile())).strip();
            if (p.isEmpty()) {
                throw new IOException("fleet.password_file: " + config.passwordFile() + " is empty");
            }
            return p;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("fleet.password_file: " + config.passwordFile() + " does not exist", e);
        }
    }

    /** The fleet's state store, for the node to load from and save to. */
    public EtcdStateStore store() {
        return store;
    }

    /**
     * Follows the fleet: every state committed after the one the node loaded is handed to
     * {@code adopt} with its revision, in order; values that cannot be applied are logged and
     * skipped, the node keeping its state.
     *
     * <p>It also starts the heartbeat: three times per {@code stale_after}, a linearizable read
     * confirms that the node's state is current, and the node reports itself to the fleet.
     *
     * @param adopt    puts a state in force (the control plane's {@code adopt}), given the state, a
     *                 check that it is still newer than the one in force and what to call once it
     *                 is, both to be run under the control plane's lock
     * @param inForce  the state in force on the node now, for its report
     */
    public void follow(Adopter adopt, Supplier<RuntimeState> inForce) {
        this.adopter = adopt;
        // Current only once registered: a coordinator must see every node that may serve (FenceCoordinator).
        freshness = Freshness.unconfirmed(config.staleAfter(), System::nanoTime);
        Heartbeat beat = new Heartbeat(config, client, store, freshness, inForce, this::catchUp, () -> apps.get());
        heartbeat = beat;
        beat.report();
        beat.confirm();
        long every = config.heartbeat().toMillis();
        heartbeats.scheduleWithFixedDelay(beat::confirm, every, every, TimeUnit.MILLISECONDS);
        reports.scheduleWithFixedDelay(beat::report, every, every, TimeUnit.MILLISECONDS);
        resync();
    }

    /** Puts a state the heartbeat read in force, in order with the watch's, and waits for it. */
    private void catchUp(EtcdStateStore.Read read) {
        try {
            applier.submit(() -> apply(read.state(), read.modRevision())).get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("fleet {}: revision {} not put in force: {}", config.name(), read.modRevision(), e.toString());
        }
    }

    /**
     * Reads the state, hands it to the node if it is newer than the one in force, and watches
     * from the revision of that read: nothing committed after it is missed. Done at start and
     * whenever the watch ends (etcd cancels a watch whose revision was compacted away, and the
     * client gives up on one after a long partition): then again after a second, until it works.
     */
    private void resync() {
        if (closed) {
            return;
        }
        EtcdStateStore.Read read;
        try {
            read = store.read();
        } catch (IOException e) {
            LOG.warn("fleet {}: the fleet's state could not be read to follow it: {}; trying again in 1 s", config.name(),
                    e.getMessage());
            heartbeats.schedule(this::resync, 1, TimeUnit.SECONDS);
            return;
        }
        applier.execute(() -> apply(read.state(), read.modRevision()));
        watch = store.watch(read.atRevision(), new EtcdStateStore.StateListener() {
            @Override
            public void changed(RuntimeState state, long revision) {
                applier.execute(() -> apply(state, revision));
            }

            @Override
            public void rejected(long revision, String why) {
                LOG.warn("fleet {}: revision {} not applied, this node keeps its state: {}", config.name(), revision, why);
            }

            @Override
            public void failed(Throwable cause) {
                LOG.warn("fleet {}: the watch of the fleet's state ended: {}; following it again", config.name(), cause.toString());
                if (!closed) {
                    heartbeats.schedule(FleetMember.this::resync, 1, TimeUnit.SECONDS);
                }
            }
        });
        LOG.info("fleet {}: following {} on {} from revision {}", config.name(), config.keyPrefix(), config.endpoints(),
                read.atRevision());
    }

    private void apply(RuntimeState state, long revision) {
        try {
            adopter.adopt(state, revision, () -> store.isNewer(revision), () -> store.adopted(revision));
        } catch (RuntimeException e) {
            LOG.warn("fleet {}: the state of revision {} could not be applied: {}", config.name(), revision, e.toString(), e);
        }
    }

    /** Puts a state from the fleet in force on the node. */
    @FunctionalInterface
    public interface Adopter {
        /**
         * @param newer   whether the state is still newer than the one in force, asked under the lock
         * @param adopted to call, under the lock, once it is in force
         */
        void adopt(RuntimeState state, long revision, BooleanSupplier newer, Runnable adopted);
    }

    @Override
    public String fleet() {
        return config.name();
    }

    @Override
    public String node() {
        return config.node();
    }

    @Override
    public Freshness freshness() {
        Freshness f = freshness;
        if (f == null) {
            throw new IllegalStateException("not following the fleet yet");
        }
        return f;
    }

    @Override
    public FleetView view() {
        Heartbeat h = heartbeat;
        return h == null ? new FleetView(List.of()) : h.view();
    }

    @Override
    public Duration staleAfter() {
        return config.staleAfter();
    }

    @Override
    public boolean stale() {
        Freshness f = freshness;
        return f == null || f.stale();
    }

    @Override
    public long stateRevision() {
        return store.revision();
    }

    @Override
    public void acknowledge(String pool, String cutoverId) throws IOException {
        fences.acknowledge(pool, cutoverId);
    }

    @Override
    public FenceAcks read(String pool, String cutoverId) throws IOException {
        return fences.read(pool, cutoverId);
    }

    @Override
    public void forget(String pool) throws IOException {
        fences.forget(pool);
    }

    @Override
    public void reportReady(String pool, String version, int healthy) throws IOException {
        fences.reportReady(pool, version, healthy);
    }

    @Override
    public Map<String, Integer> ready(String pool, String version) throws IOException {
        return fences.ready(pool, version);
    }

    /** What this node reports of its apps in each heartbeat from now on (an agent's {@code AgentApps}). */
    public void reportApps(java.util.function.Supplier<Map<String, dev.gatehouse.core.fleet.NodeReport.AppRun>> apps) {
        this.apps = java.util.Objects.requireNonNull(apps, "apps");
    }

    /**
     * Stops putting the fleet's states in force (the watch, and the heartbeat's catch-up), for a
     * node about to drain; it keeps heartbeating, and is stale once a newer state is committed.
     * {@link #close()} ends the rest.
     */
    public void stopFollowing() {
        closed = true;
        closeWatch();
        applier.shutdown();
    }

    private void closeWatch() {
        AutoCloseable w = watch;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.debug("fleet {}: closing the watch: {}", config.name(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        heartbeats.shutdownNow();
        reports.shutdownNow();
        try {
            reports.awaitTermination(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            heartbeats.awaitTermination(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Heartbeat h = heartbeat;
        if (h != null) {
            h.leave();
        }
        closeWatch();
        applier.shutdown();
        try {
            applier.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
