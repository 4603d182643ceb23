package dev.gatehouse.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.server.GatehouseServer;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;

/** Starts a node for the CLI and stops it gracefully on SIGTERM/SIGINT. */
final class Node {

    private Node() {
    }

    /**
     * Starts a node and installs the shutdown hook; the node's event loops keep the process alive.
     *
     * @param onStop also closed at shutdown, after the node (e.g. demo backends); may be null
     * @return false after printing why the node could not start
     */
    static boolean run(GatehouseConfig config, PrintWriter err, AutoCloseable onStop) {
        try {
            Logging.configureAccessLog(config.accessLog());
        } catch (IllegalArgumentException e) {
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            return false;
        }
        GatehouseServer server;
        try {
            server = GatehouseServer.start(config);
        } catch (Exception e) {
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            return false;
        }
        Thread keepAlive = new Thread(() -> {
            try {
                Thread.currentThread().join();
            } catch (InterruptedException ignored) {
                // shutting down
            }
        }, "gatehouse-main");
        keepAlive.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
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
