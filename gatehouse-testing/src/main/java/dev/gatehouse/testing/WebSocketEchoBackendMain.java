package dev.gatehouse.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link WebSocketEchoBackend} until the process is killed, for scripts and benchmarks:
 * <pre>
 * java -cp &lt;gatehouse-testing jar + deps&gt; dev.gatehouse.testing.WebSocketEchoBackendMain --port 0 --label v1
 * </pre>
 * Prints {@code listening on 127.0.0.1:<port>} on stdout once it accepts connections. With
 * {@code --no-greeting} it sends no {@code hello from <label>} after the handshake, so that every
 * message a client gets is an echo.
 */
public final class WebSocketEchoBackendMain {

    private static final String USAGE = "usage: WebSocketEchoBackendMain [--port N] [--label LABEL] [--no-greeting]";

    private WebSocketEchoBackendMain() {
    }

    /**
     * Starts the backend.
     *
     * @param args {@code [--port N] [--label LABEL] [--no-greeting]}; port 0 (the default) picks a
     *             free port, the label defaults to {@code ws}
     * @throws InterruptedException never in practice: the main thread waits until the JVM exits
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        String label = "ws";
        boolean greeting = true;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> port = parsePort(value(args, ++i, arg));
                case "--label" -> label = value(args, ++i, arg);
                case "--no-greeting" -> greeting = false;
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    return;
                }
                default -> usage("unknown argument: " + arg);
            }
        }
        quietDefaultLogging();
        WebSocketEchoBackend backend = WebSocketEchoBackend.start(label, port, greeting);
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "ws-echo-shutdown"));
        System.out.println("listening on " + backend.address());
        System.out.flush();
        new CountDownLatch(1).await(); // until killed; the shutdown hook closes the backend
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, in the same words as a number out of range
        }
        usage("--port: \"" + value + "\" (expected: 0-65535)");
        return 0;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + ": missing value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println(USAGE);
        System.exit(2);
    }

    /** Without a configuration Logback logs at DEBUG to stdout, where scripts read the first line. */
    private static void quietDefaultLogging() {
        ClassLoader loader = WebSocketEchoBackendMain.class.getClassLoader();
        boolean configured = System.getProperty("logback.configurationFile") != null
                || loader.getResource("logback.xml") != null
                || loader.getResource("logback-test.xml") != null;
        if (!configured && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }
}
