package dev.gatehouse.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Runs one stub backend with {@link StubBehaviors#standard(String)} until the process is killed,
 * for scripts and benchmarks:
 * <pre>
 * java -cp &lt;gatehouse-testing jar + deps&gt; dev.gatehouse.testing.StubBackendMain --port 0 --name a
 * </pre>
 * Prints {@code listening on 127.0.0.1:<port>} on stdout once it accepts connections. With
 * {@code --log-requests} it also prints, flushed at once, a line per request received and per
 * response finished ({@code recv TIME CONN ID METHOD URI}, {@code done TIME CONN ID STATUS}, and
 * {@code fail}/{@code drop} lines; {@code ID} is the request's {@code X-Request-Id}, {@code TIME}
 * epoch milliseconds): whoever kills the process can then tell which requests it had received and
 * not answered (the chaos scenario in gatehouse-bench does). Off by default.
 */
public final class StubBackendMain {

    private StubBackendMain() {
    }

    /**
     * Starts the backend.
     *
     * @param args {@code [--port N] [--name NAME] [--log-requests]}; port 0 (the default) picks a
     *             free port, the name defaults to {@code stub}
     * @throws InterruptedException never in practice: the main thread waits until the JVM exits
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        String name = "stub";
        boolean logRequests = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> port = Integer.parseInt(value(args, ++i, arg));
                case "--name" -> name = value(args, ++i, arg);
                case "--log-requests" -> logRequests = true;
                case "--help", "-h" -> {
                    System.out.println("usage: StubBackendMain [--port N] [--name NAME] [--log-requests]");
                    return;
                }
                default -> usage("unknown argument: " + arg);
            }
        }
        quietDefaultLogging();
        PrintStream out = System.out;
        StubBackend backend = StubBackend.start(name, port, StubBehaviors.standard(name), logRequests ? out : null);
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "stub-shutdown"));
        out.println("listening on " + backend.address());
        out.flush();
        new CountDownLatch(1).await(); // until killed; the shutdown hook closes the backend
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(option + ": missing value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: StubBackendMain [--port N] [--name NAME] [--log-requests]");
        System.exit(2);
    }

    /**
     * Without a configuration Logback logs everything at DEBUG to stdout, where scripts read the
     * "listening on" line; keep it to warnings unless someone configured logging.
     */
    private static void quietDefaultLogging() {
        boolean configured = System.getProperty("logback.configurationFile") != null
                || StubBackendMain.class.getClassLoader().getResource("logback.xml") != null
                || StubBackendMain.class.getClassLoader().getResource("logback-test.xml") != null;
        if (!configured && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        }
    }
}
