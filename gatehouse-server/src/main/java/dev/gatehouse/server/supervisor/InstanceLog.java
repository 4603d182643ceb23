package dev.gatehouse.server.supervisor;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log file of one instance, {@code <logs>/<app>-<version>-<instance>.log}: its standard output
 * and error, appended by the process itself, and a line from the supervisor at each start and exit,
 * so that a crash and its restart read in order with what the app printed.
 *
 * <p>Every write appends (O_APPEND), so the file survives restarts, and a rotation that truncates
 * it in place ({@code copytruncate}) works.
 */
final class InstanceLog {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceLog.class);

    private final Path file;

    InstanceLog(Path dir, String app, String version, int instance) {
        this.file = dir.resolve(app + "-" + version + "-" + instance + ".log");
    }

    /** Where it is. */
    Path file() {
        return file;
    }

    /** Where the process writes: the end of the file, for both output streams. */
    Redirect redirect() {
        return Redirect.appendTo(file.toFile());
    }

    /** Appends a line of the supervisor's own, marked {@code [gatehouse]}; a failure is logged, not thrown. */
    void line(String text) {
        String line = Instant.now() + " [gatehouse] " + text + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("cannot write to {}: {}", file, e.toString());
        }
    }
}
