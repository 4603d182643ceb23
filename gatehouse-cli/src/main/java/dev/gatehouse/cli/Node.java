package dev.gatehouse.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.server.GatehouseServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node for the CLI, reloads its configuration file on SIGHUP, and stops it gracefully on
 * SIGTERM/SIGINT.
 */
final class Node {

    /** The last {@link #run} failed on the configuration (exit code 2 rather than 1). */
    private static volatile boolean configRefused;

    /** The exit code for a {@link #run} that returned false. */
    static int failureExitCode() {
        return configRefused ? Main.EXIT_CONFIG : Main.EXIT_FAILURE;
    }


    private static final Logger LOG = LoggerFactory.getLogger(Node.class);

    private Node() {
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
        configRefused = false;
        try {
            Logging.configureAccessLog(config.accessLog());
        } catch (IllegalArgumentException e) {
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            return false;
        }
        GatehouseServer server;
        try {
            server = configFile == null
                    ? GatehouseServer.start(config, store)
                    : GatehouseServer.start(config, store, () -> ConfigLoader.load(configFile));
        } catch (dev.gatehouse.core.config.ConfigException e) {
            // The admin token could not be read, or the admin listener is off loopback without one.
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            configRefused = true;
            return false;
        } catch (Exception e) {
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            return false;
        }
        HangupReload reload = null;
        if (configFile != null) {
            reload = new HangupReload(server.control(), server.configSource(), configFile.toString());
            reload.installSignalHandler();
        }
        if (store != StateStore.NONE) {
            long revision = server.control().state().revision();
            LOG.info("runtime state: kept in {}; {}", store.describe(),
                    revision == 0 ? "no runtime change so far" : "restored revision " + revision);
        }
        HangupReload reloadAtStop = reload;
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
            server.stop();
            if (onStop != null) {
                try {
                    onStop.close();
                } catch (Exception ignored) {
                    // best effort at exit
                }
            }
            keepAlive.interrupt();
            // Flush the asynchronous access log before the JVM goes.
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext lc) {
                lc.stop();
            }
        }, "gatehouse-shutdown"));
        return true;
    }
}
