package dev.gatehouse.cli;

/**
 * Netty settings the executable chooses for a node when the operator has not set them.
 *
 * <p>Netty tracks one buffer allocation in {@value #DEFAULT_SAMPLING_INTERVAL_NETTY} for leaks by
 * default, and each tracked buffer records a stack trace when it is allocated. On a proxy that
 * allocates a handful of buffers per request, those stack traces cost about 2% of the node's CPU
 * (measured with perf on HTTPS keep-alive load). A node samples one in {@value #SAMPLING_INTERVAL}
 * instead: leaks are still reported in production, after more traffic, at an eighth of the cost.
 * The tests run with paranoid detection (every buffer tracked), which this does not change; an
 * operator's own {@code -Dio.netty.leakDetection.samplingInterval} wins.
 *
 * <p>Must run before any Netty class that reads the property is loaded: first thing in
 * {@code main}.
 */
final class NettyDefaults {

    static final String SAMPLING_INTERVAL_PROPERTY = "io.netty.leakDetection.samplingInterval";
    static final int SAMPLING_INTERVAL = 1024;
    private static final int DEFAULT_SAMPLING_INTERVAL_NETTY = 128;

    private NettyDefaults() {
    }

    /** Sets the defaults that are not set yet. */
    static void apply() {
        if (System.getProperty(SAMPLING_INTERVAL_PROPERTY) == null) {
            System.setProperty(SAMPLING_INTERVAL_PROPERTY, Integer.toString(SAMPLING_INTERVAL));
        }
    }
}
