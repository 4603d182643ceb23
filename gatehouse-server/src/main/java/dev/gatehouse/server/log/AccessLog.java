package dev.gatehouse.server.log;

import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON object per request: to an {@link AccessLogWriter} when the executable set one
 * (a node run by {@code gatehouse run}), else to the {@code gatehouse.access} logger, whose
 * configuration decides where the lines go. Thread-safe.
 */
public final class AccessLog {

    /** The SLF4J logger name the lines are written to. */
    public static final String LOGGER = "gatehouse.access";

    private static final FastThreadLocal<AccessLineWriter> LINES = new FastThreadLocal<>() {
        @Override
        protected AccessLineWriter initialValue() {
            return new AccessLineWriter();
        }
    };
    private static final AccessLog DISABLED = new AccessLog(false);

    /** Where lines go instead of the logger, when the executable says so ({@link #writeTo}). */
    private static volatile AccessLogWriter sink;

    private final boolean enabled;
    private final Logger logger = LoggerFactory.getLogger(LOGGER);

    private AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    /** An access log that writes, or one that drops everything. */
    public static AccessLog create(boolean enabled) {
        return enabled ? new AccessLog(true) : DISABLED;
    }

    /**
     * Sends every node's lines to {@code writer} instead of the {@code gatehouse.access} logger, or
     * back to the logger with null. The executable does this for a node (its lines then cost no
     * logging event and share their system calls); a node embedded in another program, and the
     * tests, keep the logger and its configuration.
     */
    public static void writeTo(AccessLogWriter writer) {
        sink = writer;
    }

    /** Writes out and closes the writer set by {@link #writeTo}, if any; lines after it go to the logger. */
    public static void closeWriter() {
        AccessLogWriter w = sink;
        sink = null;
        if (w != null) {
            w.close();
        }
    }

    /** Whether records are written; callers skip building them otherwise. */
    public boolean enabled() {
        return enabled && (sink != null || logger.isInfoEnabled());
    }

    /** Writes one record. */
    public void log(AccessRecord r) {
        if (!enabled()) {
            return;
        }
        String line = format(r);
        AccessLogWriter w = sink;
        if (w != null) {
            w.write(line);
        } else {
            logger.info(line);
        }
    }

    /**
     * The JSON line for a record, without a line break. Formatted by the calling thread's
     * {@link AccessLineWriter} (an event loop's, in the node): nothing is shared between threads.
     */
    public static String format(AccessRecord r) {
        AccessLineWriter writer = LINES.get();
        try {
            return writer.format(r);
        } catch (IOException | RuntimeException e) {
            // The generator may be left inside an object: the next line gets a new one.
            LINES.remove();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }
}
