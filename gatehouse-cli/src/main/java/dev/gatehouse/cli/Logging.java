package dev.gatehouse.cli;

import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.server.log.AccessLogWriter;
import java.io.FileDescriptor;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;

/**
 * Points a node's access log where the configuration says: standard output or a file, each
 * through an {@link AccessLogWriter} (lines queued by the event loops, written in batches by a
 * thread of its own), not through logback, whose asynchronous appender cost a logging event, a
 * lock, a wake-up and a {@code write} per line (docs/benchmarks.md, "Lean as nginx").
 */
final class Logging {

    private Logging() {
    }

    /**
     * Sets the access log's writer for this process (closing one set before), or none when the
     * log is off.
     *
     * @throws IllegalArgumentException when the access log file cannot be opened
     */
    static void configureAccessLog(AccessLogConfig config) {
        AccessLog.closeWriter();
        if (!config.enabled()) {
            return;
        }
        if ("stdout".equals(config.path())) {
            AccessLog.writeTo(AccessLogWriter.start(new FileOutputStream(FileDescriptor.out), false, "gatehouse-access-log"));
            return;
        }
        FileOutputStream file;
        try {
            file = new FileOutputStream(config.path(), true);
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("cannot open the access log file " + config.path() + ": " + e.getMessage(), e);
        }
        AccessLog.writeTo(AccessLogWriter.start(file, true, "gatehouse-access-log"));
    }
}
