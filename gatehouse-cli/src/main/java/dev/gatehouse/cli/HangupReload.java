package dev.gatehouse.cli;

import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.server.ConfigSource;
import dev.gatehouse.server.control.ControlPlane;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP reloads the configuration file, as it does for nginx and HAProxy: the file is read and
 * checked whole again and handed to {@link ControlPlane#reload}; a file with errors changes
 * nothing and the node keeps running on what it has. Reloads run one at a time on a thread of
 * their own (a reload blocks: it forces the state file to disk and waits for every event loop);
 * signals that arrive while one is waiting to start are folded into it, since it reads the file as
 * it is when it starts.
 */
final class HangupReload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HangupReload.class);
    /** Who the audit log names for a reload by signal. */
    static final String WHO = "SIGHUP";

    private final ControlPlane control;
    private final ConfigSource source;
    private final String name;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gatehouse-reload");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param control where the reload goes
     * @param source  reads the configuration file
     * @param name    the file, for the log
     */
    HangupReload(ControlPlane control, ConfigSource source, String name) {
        this.control = Objects.requireNonNull(control, "control");
        this.source = Objects.requireNonNull(source, "source");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Makes SIGHUP call {@link #request()}. The JDK has no supported API for signals;
     * {@code sun.misc.Signal} (module {@code jdk.unsupported}, kept exported by JEP 260 for such
     * uses) is what JVM servers use. It also replaces the JVM's own SIGHUP handler, which would
     * otherwise stop the node.
     *
     * @return false when this platform or JVM (e.g. {@code -Xrs}) does not let us handle SIGHUP
     */
    boolean installSignalHandler() {
        try {
            sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> request());
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // Started with SIGHUP ignored (nohup does that): the JVM then installs no handler for it.
                LOG.warn("SIGHUP is ignored in this process (started under nohup?), so it does not reload: reload with "
                        + "`gatehouse reload` instead");
                return false;
            }
            return true;
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            LOG.warn("SIGHUP cannot be handled here ({}): reload with `gatehouse reload` instead", e.getMessage());
            return false;
        }
    }

    /** Queues a reload on the reload thread, unless one is already waiting to start. */
    void request() {
        if (queued.compareAndSet(false, true)) {
            thread.execute(() -> {
                queued.set(false);
                reload();
            });
        }
    }

    /**
     * Reads the file and applies it now, on the calling thread, logging the outcome.
     *
     * @return whether the configuration was applied (perhaps with notes on what waits for a restart)
     */
    boolean reload() {
        LOG.info("SIGHUP: reloading {}", name);
        GatehouseConfig config;
        try {
            config = source.load();
        } catch (ConfigException e) {
            LOG.warn("SIGHUP: {} has {}; nothing changed, the node keeps its configuration", name,
                    e.errors().size() == 1 ? "1 error" : e.errors().size() + " errors");
            for (ConfigError error : e.errors()) {
                LOG.warn("SIGHUP:   {}", error);
            }
            return false;
        } catch (IOException | RuntimeException e) {
            LOG.warn("SIGHUP: {} cannot be read: {}; nothing changed", name, e.toString());
            return false;
        }
        List<String> notes;
        try {
            notes = control.reload(config, WHO);
        } catch (ChangeRejected e) {
            LOG.warn("SIGHUP: {} cannot apply: {}; nothing changed", name, e.getMessage());
            return false;
        } catch (IOException e) {
            LOG.warn("SIGHUP: the runtime state could not be saved: {}; nothing changed", e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("SIGHUP: the reload of {} failed: {}", name, e.toString(), e);
            return false;
        }
        if (notes.isEmpty()) {
            LOG.info("SIGHUP: {} applied", name);
        } else {
            LOG.info("SIGHUP: {} applied, except what waits for a restart:", name);
            for (String note : notes) {
                LOG.warn("SIGHUP:   {}", note);
            }
        }
        return true;
    }

    /** Stops the reload thread; a reload in progress is interrupted only where it waits. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
