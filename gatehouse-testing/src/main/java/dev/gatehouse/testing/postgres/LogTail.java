package dev.gatehouse.testing.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a cluster's log, for the message of a failure: the reason is nearly always in its last lines. */
final class LogTail {

    private static final int LINES = 30;

    private LogTail() {
    }

    /** "its log, PATH, ends with:" and the last lines, or why they cannot be read. */
    static String of(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LINES), lines.size());
            return "its log, " + log + ", ends with:\n  " + String.join("\n  ", tail);
        } catch (IOException | RuntimeException e) {
            return "its log, " + log + ", cannot be read: " + e;
        }
    }
}
