package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An app whose processes the node runs itself: {@code instances} copies of {@code command} per
 * version, each on its own port from {@code ports}.
 *
 * <p>Both versions of an app run side by side during a deploy, so the port range must hold at
 * least twice {@code instances}. Relative paths ({@code workdir}, {@code logs}) are taken from the
 * node's working directory, like every path in the config.
 *
 * @param name      the app's name, as the supervisor and log file names refer to it
 * @param command   the program and its arguments, with placeholders
 * @param instances processes per version, 1-1000
 * @param ports     where the instances' ports come from
 * @param workdir   the instances' working directory, or null for the node's
 * @param env       variables added to the node's environment for the instances, in config order;
 *                  values may hold placeholders
 * @param stopGrace how long a stopping instance has between SIGTERM and SIGKILL
 * @param restart   how crashed instances are restarted
 * @param logs      the directory of the instances' log files, {@code <app>-<version>-<instance>.log}
 */
public record AppConfig(String name, CommandTemplate command, int instances, PortRange ports, String workdir,
                        Map<String, String> env, Duration stopGrace, RestartConfig restart, String logs) {

    /** Instances per version when the config names none. */
    public static final int DEFAULT_INSTANCES = 1;
    /** Between SIGTERM and SIGKILL when the config says nothing: 10 s. */
    public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(10);
    /** The log directory when the config names none: {@code logs}, under the node's working directory. */
    public static final String DEFAULT_LOGS = "logs";

    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** Validates and copies. */
    public AppConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(stopGrace, "stopGrace");
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(logs, "logs");
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: " + Values.quote(name)
                    + " (expected: 1-63 lowercase letters, digits, _ or -, starting with a letter or digit)");
        }
        if (instances < 1 || instances > 1000) {
            throw new IllegalArgumentException("instances: " + instances + " (expected: 1-1000)");
        }
        if (ports.size() < 2 * instances) {
            throw new IllegalArgumentException("ports: " + ports + " (expected: at least " + 2 * instances
                    + " ports, twice instances, since a deploy runs the old and the new version side by side;"
                    + " this range has " + ports.size() + ")");
        }
        if (workdir != null && workdir.isBlank()) {
            throw new IllegalArgumentException("workdir: \"\" (expected: a directory)");
        }
        if (logs.isBlank()) {
            throw new IllegalArgumentException("logs: \"\" (expected: a directory)");
        }
        if (stopGrace.isNegative() || stopGrace.isZero()) {
            throw new IllegalArgumentException("stop_grace: " + stopGrace.toMillis() + "ms (expected: > 0)");
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            checkEnv(e.getKey(), e.getValue());
        }
        if (!command.usesPort() && env.values().stream().noneMatch(Placeholders::usesPort)) {
            throw new IllegalArgumentException("command: " + Values.quote(command.text()) + " (expected: {port} in the"
                    + " command or in an env value, so that each instance listens on its own port)");
        }
    }

    /**
     * Checks one env entry.
     *
     * @throws IllegalArgumentException with a message {@code env: ...}
     */
    static void checkEnv(String key, String value) {
        Objects.requireNonNull(value, "env value");
        if (!ENV_NAME.matcher(key).matches()) {
            throw new IllegalArgumentException("env: " + Values.quote(key)
                    + " (expected: a variable name: letters, digits and _, not starting with a digit)");
        }
        String unknown = Placeholders.unknown(value);
        if (unknown != null) {
            throw new IllegalArgumentException("env: " + Values.quote(value) + " (expected: " + Placeholders.EXPECTED
                    + "; " + unknown + " is none of them)");
        }
    }

    /** The variables to add for one instance, placeholders filled in. */
    public Map<String, String> environment(int port, String version, int instance) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((k, v) -> out.put(k, Placeholders.fill(v, port, version, instance)));
        return out;
    }
}
