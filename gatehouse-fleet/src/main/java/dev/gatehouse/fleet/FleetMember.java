package dev.gatehouse.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.gatehouse.core.config.FleetConfig;
import dev.gatehouse.core.state.RuntimeState;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership in a fleet: its etcd client, the fleet's {@link EtcdStateStore}, and the
 * watch that puts in force every state another node commits. Changes are handed to the node one
 * at a time, in revision order, on a thread of their own (never on the etcd client's threads,
 * which a snapshot swap must not hold up). {@link #close()} ends the watch and the client.
 */
public final class FleetMember implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FleetMember.class);

    private final FleetConfig config;
    private final Client client;
    private final EtcdStateStore store;
    private final ExecutorService applier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-fleet-apply");
        t.setDaemon(true);
        return t;
    });
    private volatile AutoCloseable watch;

    private FleetMember(FleetConfig config, Client client) {
        this.config = config;
        this.client = client;
        this.store = new EtcdStateStore(client, config.keyPrefix(), config.timeout());
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
        if (config.user() != null) {
            b.user(ByteSequence.from(config.user(), UTF_8)).password(ByteSequence.from(password(config, env), UTF_8));
        }
        return new FleetMember(config, b.build());
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
     * @param adopt puts a state in force (the control plane's {@code adopt}), given the state, a
     *              check that it is still newer than the one in force and what to call once it is,
     *              both to be run under the control plane's lock
     */
    public void follow(Adopter adopt) {
        watch = store.watch(store.revision(), new EtcdStateStore.StateListener() {
            @Override
            public void changed(RuntimeState state, long revision) {
                applier.execute(() -> {
                    try {
                        adopt.adopt(state, revision, () -> store.isNewer(revision), () -> store.adopted(revision));
                    } catch (RuntimeException e) {
                        LOG.warn("fleet {}: the state of revision {} could not be applied: {}", config.name(), revision,
                                e.toString(), e);
                    }
                });
            }

            @Override
            public void rejected(long revision, String why) {
                LOG.warn("fleet {}: revision {} not applied, this node keeps its state: {}", config.name(), revision, why);
            }

            @Override
            public void failed(Throwable cause) {
                LOG.warn("fleet {}: the watch of the fleet's state failed: {}", config.name(), cause.toString());
            }
        });
        LOG.info("fleet {}: following {} on {} from revision {}", config.name(), config.keyPrefix(), config.endpoints(),
                store.revision());
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
    public void close() {
        AutoCloseable w = watch;
        if (w != null) {
            try {
                w.close();
            } catch (Exception e) {
                LOG.debug("fleet {}: closing the watch: {}", config.name(), e.toString());
            }
        }
        applier.shutdown();
        try {
            applier.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
