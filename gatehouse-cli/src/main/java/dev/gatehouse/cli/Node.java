package dev.gatehouse.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.postgres.frontdoor.PostgresFrontDoor;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.Transport;
import dev.gatehouse.server.restart.InheritedListeners;
import dev.gatehouse.server.restart.RestartOptions;
import dev.gatehouse.server.restart.Takeover;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node for the CLI, reloads its configuration file on SIGHUP, restarts it hitlessly on
 * SIGUSR2, and stops it gracefully on SIGTERM/SIGINT. A process started for a restart takes over
 * the listening sockets of the one it replaces ({@link Takeover}) and tells it how its start went.
 */
final class Node {

    /** The last {@link #run} failed on the configuration (exit code 2 rather than 1). */
    private static volatile boolean configRefused;

    /** The exit code for a {@link #run} that returned false. */
    static int failureExitCode() {
        return configRefused ? Main.EXIT_CONFIG : Main.EXIT_FAILURE;
    }


    /** The environment variable that moves HotSpot's thread-suspend signal off SIGUSR2. */
    static final String SUSPEND_SIGNAL_ENV = "_JAVA_SR_SIGNUM";

    private static final Logger LOG = LoggerFactory.getLogger(Node.class);
    /** How long a process started for a restart waits for the old one's listening sockets. */
    private static final java.time.Duration TAKEOVER_WAIT = java.time.Duration.ofSeconds(30);

    private Node() {
    }

    private static boolean failed(PrintWriter err, Takeover takeover, String why) {
        err.println("gatehouse: " + why);
        err.flush();
        if (takeover != null) {
            takeover.failed(why);
        }
        return false;
    }

    /**
     * Reports a start that failed before {@link #run} to the process this one was to replace, if
     * any: it keeps serving and logs why.
     */
    static void takeoverFailed(String why) {
        Takeover takeover = Takeover.fromEnvironment(System.getenv());
        if (takeover != null) {
            takeover.failed(why);
        }
    }

    /**
     * SIGUSR2 restarts the node without refusing a connection, as it does for HAProxy's master and
     * nginx's binary upgrade (see {@link GatehouseServer#restart}). The outcome is logged.
     *
     * <p>HotSpot suspends threads with its own signal, SIGUSR2 unless {@code _JAVA_SR_SIGNUM} names
     * another: JFR's sampler sends it to every thread many times a second, and a handler on it
     * would restart the node whenever it is profiled. So SIGUSR2 restarts only when the JVM was
     * told to suspend with another signal ({@code bin/gatehouse} sets {@code _JAVA_SR_SIGNUM=40});
     * otherwise it is left to the JVM and {@code gatehouse restart} restarts.
     */
    private static void installRestartSignal(GatehouseServer server) {
        String suspendSignal = System.getenv(SUSPEND_SIGNAL_ENV);
        if (suspendSignal == null || suspendSignal.isBlank() || suspendSignal.strip().equals("12")) {
            LOG.warn("SIGUSR2 is the JVM's thread-suspend signal in this process (JFR and other samplers send it), so it does "
                    + "not restart the node: start it with {}=40 in its environment (bin/gatehouse does), or restart with "
                    + "`gatehouse restart`", SUSPEND_SIGNAL_ENV);
            return;
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR2"), signal -> server.restart("SIGUSR2"));
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            LOG.warn("SIGUSR2 cannot be handled here ({}): restart with `gatehouse restart` instead", e.getMessage());
        }
    }

    /**
     * Starts a node and installs the shutdown hook; the node's event loops keep the process alive.
     *
     * @param store      where runtime changes are kept and restored from
     * @param configFile the file {@code config} came from, read again on a reload (SIGHUP); null
     *                   for a node without one (the demo)
     * @param onStop     also closed at shutdown, after the node (e.g. demo backends); may be null
     * @return false after printing why the node could not start
     */
    static boolean run(GatehouseConfig config, StateStore store, Path configFile, PrintWriter err, AutoCloseable onStop) {
        return run(config, store, configFile, err, onStop, null, null);
    }

    /**
     * Like {@link #run(GatehouseConfig, StateStore, Path, PrintWriter, AutoCloseable)}, then hands
     * the started node to {@code started} (a fleet member starts following the fleet's state);
     * at shutdown {@code beforeStop} is closed first, before the node drains (the fleet member
     * stops following: a stopping node takes no more changes).
     */
    static boolean run(GatehouseConfig config, StateStore store, Path configFile, PrintWriter err, AutoCloseable onStop,
                       java.util.function.Consumer<GatehouseServer> started, AutoCloseable beforeStop) {
        configRefused = false;
        Takeover takeover = Takeover.fromEnvironment(System.getenv());
        try {
            Logging.configureAccessLog(config.accessLog());
        } catch (IllegalArgumentException e) {
            return failed(err, takeover, e.getMessage());
        }
        InheritedListeners inherited = InheritedListeners.NONE;
        if (takeover != null) {
            try {
                inherited = takeover.receive(TAKEOVER_WAIT);
            } catch (java.io.IOException e) {
                return failed(err, takeover, e.getMessage());
            }
        }
        RestartOptions restarts = new RestartOptions(inherited, configFile == null ? null : SameCommandLine.current(),
                // On a thread of its own: the shutdown hook drains the node, and exit waits for it.
                () -> Thread.ofPlatform().name("gatehouse-exit").start(() -> System.exit(0)));
        GatehouseServer server;
        try {
            server = configFile == null
                    ? GatehouseServer.start(config, store)
                    : GatehouseServer.start(config, store, () -> ConfigLoader.load(configFile), restarts);
        } catch (dev.gatehouse.core.config.ConfigException e) {
            // The admin token could not be read, or the admin listener is off loopback without one.
            configRefused = true;
            return failed(err, takeover, e.getMessage());
        } catch (Exception e) {
            return failed(err, takeover, e.getMessage());
        }
        PostgresFrontDoor databases = null;
        if (config.databases().enabled()) {
            try {
                databases = PostgresFrontDoor.start(config.databases(),
                        Transport.detect(), System::nanoTime);
                // The admin API's /api/v1/databases and the node's /metrics serve the front door too.
                server.databasesAdmin(new dev.gatehouse.postgres.admin.FrontDoorAdmin(databases.control()));
                dev.gatehouse.postgres.admin.FrontDoorMetrics.register(databases, server.metrics().registry());
            } catch (Exception e) {
                server.stop();
                return failed(err, takeover, "databases: " + e.getMessage());
            }
        }
        if (takeover != null) {
            takeover.ready();
            LOG.info("restart: this process ({}) took over the listening sockets and serves",
                    ProcessHandle.current().pid());
        }
        dev.gatehouse.server.restart.ServiceManager.ready(takeover != null);
        if (configFile != null) {
            installRestartSignal(server);
        }
        HangupReload reload = null;
        if (configFile != null) {
            reload = new HangupReload(server.control(), server.configSource(), configFile.toString());
            reload.installSignalHandler();
        }
        if (started != null) {
            started.accept(server);
        }
        if (store != StateStore.NONE) {
            long revision = server.control().state().revision();
            LOG.info("runtime state: kept in {}; {}", store.describe(),
                    revision == 0 ? "no runtime change so far" : "restored revision " + revision);
        }
        HangupReload reloadAtStop = reload;
        PostgresFrontDoor databasesAtStop = databases;
        Thread keepAlive = new Thread(() -> {
            try {
                Thread.currentThread().join();
            } catch (InterruptedException ignored) {
                // shutting down
            }
        }, "gatehouse-main");
        keepAlive.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (reloadAtStop != null) {
                reloadAtStop.close();
            }
            if (beforeStop != null) {
                try {
                    beforeStop.close();
                } catch (Exception ignored) {
                    // best effort at exit
                }
            }
            if (databasesAtStop != null) {
                databasesAtStop.close();
            }
            server.stop();
            if (onStop != null) {
                try {
                    onStop.close();
                } catch (Exception ignored) {
                    // best effort at exit
                }
            }
            keepAlive.interrupt();
            // Write out the access log's last lines, then flush the asynchronous log, before the JVM goes.
            dev.gatehouse.server.log.AccessLog.closeWriter();
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext lc) {
                lc.stop();
            }
        }, "gatehouse-shutdown"));
        return true;
    }
}
