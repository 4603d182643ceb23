package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * The JSON access log: one line per request.
 *
 * @param enabled whether requests are logged
 * @param path    {@code stdout}, or a file the lines are appended to
 */
public record AccessLogConfig(boolean enabled, String path) {

    /** On, to standard output. */
    public static final AccessLogConfig DEFAULTS = new AccessLogConfig(true, "stdout");

    /** Validates the parts. */
    public AccessLogConfig {
        Objects.requireNonNull(path, "path");
        if (path.isBlank()) {
            throw new IllegalArgumentException("path: \"\" (expected: stdout or a file path)");
        }
    }
}
