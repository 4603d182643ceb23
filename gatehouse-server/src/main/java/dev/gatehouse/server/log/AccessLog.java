package dev.gatehouse.server.log;

import io.netty.util.concurrent.FastThreadLocal;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON object per request to the {@code gatehouse.access} logger; where the lines go
 * (standard output, a file) is the logging configuration's business. Thread-safe.
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

    private final boolean enabled;
    private final Logger logger = LoggerFactory.getLogger(LOGGER);

    private AccessLog(boolean enabled) {
        this.enabled = enabled;
    }

    /** An access log that writes, or one that drops everything. */
    public static AccessLog create(boolean enabled) {
        return enabled ? new AccessLog(true) : DISABLED;
    }

    /** Whether records are written; callers skip building them otherwise. */
    public boolean enabled() {
        return enabled && logger.isInfoEnabled();
    }

    /** Writes one record. */
    public void log(AccessRecord r) {
        if (!enabled()) {
            return;
        }
        logger.info(format(r));
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
