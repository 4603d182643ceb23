package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code apps}: the processes the node supervises, by app name. Part of {@link ConfigWalker}.
 */
final class AppWalker {

    static final List<String> APP_KEYS =
            List.of("command", "instances", "ports", "workdir", "env", "stop_grace", "restart", "logs");
    static final List<String> PORTS_KEYS = List.of("from", "to");
    static final List<String> RESTART_KEYS = List.of("backoff", "max_backoff", "reset_after");

    private final Values in;

    AppWalker(Values in) {
        this.in = in;
    }

    /** Reads the apps map; {@code null} if anything in it was wrong (reported). */
    Map<String, AppConfig> apps(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map of app names to apps)");
            return null;
        }
        int mark = in.errorCount();
        Map<String, AppConfig> apps = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String name = e.getKey();
            String appPath = Paths.child(path, name);
            if (!AppConfig.NAME.matcher(name).matches()) {
                in.error(appPath, Values.quote(name)
                        + " (expected: an app name of 1-63 lowercase letters, digits, _ or -, starting with a letter or digit)");
                continue;
            }
            apps.put(name, app(name, e.getValue(), appPath));
        }
        return in.errorCount() == mark ? apps : null;
    }

    private AppConfig app(String name, JsonNode node, String path) {
        if (node.isNull()) {
            in.missing(Paths.child(path, "command"), "the command that runs one instance, with {port}");
            return null;
        }
        Values.Fields fields = in.fields(node, path, APP_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        CommandTemplate command = null;
        Integer instances = AppConfig.DEFAULT_INSTANCES;
        PortRange ports = null;
        String workdir = null;
        Map<String, String> env = Map.of();
        Duration stopGrace = AppConfig.DEFAULT_STOP_GRACE;
        RestartConfig restart = RestartConfig.DEFAULTS;
        String logs = AppConfig.DEFAULT_LOGS;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "command" -> command = command(in.string(f.value(), f.path()), f.path());
                case "instances" -> instances = in.integer(f.value(), f.path(), 1, 1000);
                case "ports" -> ports = ports(f.value(), f.path());
                case "workdir" -> workdir = nonBlank(in.string(f.value(), f.path()), f.path());
                case "env" -> env = env(f.value(), f.path());
                case "stop_grace" -> stopGrace = in.duration(f.value(), f.path());
                case "restart" -> restart = restart(f.value(), f.path());
                case "logs" -> logs = nonBlank(in.string(f.value(), f.path()), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("command")) {
            in.missing(Paths.child(path, "command"), "the command that runs one instance, with {port}");
        }
        if (!fields.has("ports")) {
            in.missing(Paths.child(path, "ports"), "a map with from and to");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        CommandTemplate c = command;
        int n = instances;
        PortRange p = ports;
        String w = workdir;
        Map<String, String> e = env;
        Duration g = stopGrace;
        RestartConfig r = restart;
        String l = logs;
        return in.build(path, APP_KEYS, () -> new AppConfig(name, c, n, p, w, e, g, r, l));
    }

    private CommandTemplate command(String text, String path) {
        if (text == null) {
            return null;
        }
        try {
            return CommandTemplate.parse(text);
        } catch (IllegalArgumentException e) {
            in.error(path, e.getMessage());
            return null;
        }
    }

    private String nonBlank(String text, String path) {
        if (text != null && text.isBlank()) {
            in.error(path, Values.quote(text) + " (expected: a directory)");
            return null;
        }
        return text;
    }

    private PortRange ports(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, PORTS_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        Integer from = null;
        Integer to = null;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "from" -> from = in.integer(f.value(), f.path(), 1, 65535);
                case "to" -> to = in.integer(f.value(), f.path(), 1, 65535);
                default -> in.unknown(f);
            }
        }
        if (!fields.has("from")) {
            in.missing(Paths.child(path, "from"), "the first port, 1-65535");
        }
        if (!fields.has("to")) {
            in.missing(Paths.child(path, "to"), "the last port, 1-65535");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int a = from;
        int b = to;
        return in.build(path, PORTS_KEYS, () -> new PortRange(a, b));
    }

    private Map<String, String> env(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map of variable names to values)");
            return null;
        }
        int mark = in.errorCount();
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String entryPath = Paths.child(path, e.getKey());
            String value = in.string(e.getValue(), entryPath);
            if (value == null) {
                continue;
            }
            try {
                AppConfig.checkEnv(e.getKey(), value);
                env.put(e.getKey(), value);
            } catch (IllegalArgumentException ex) {
                // "env: <what>": the key or the value, at the entry's path.
                in.error(entryPath, ex.getMessage().substring("env: ".length()));
            }
        }
        return in.errorCount() == mark ? env : null;
    }

    private RestartConfig restart(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, RESTART_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        RestartConfig d = RestartConfig.DEFAULTS;
        Duration backoff = d.backoff();
        Duration max = d.maxBackoff();
        Duration reset = d.resetAfter();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "backoff" -> backoff = in.duration(f.value(), f.path());
                case "max_backoff" -> max = in.duration(f.value(), f.path());
                case "reset_after" -> reset = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        // A default gives way to a key that was given, so that an error names a value the author wrote.
        Duration b = fields.has("backoff") || !fields.has("max_backoff") ? backoff : min(backoff, max);
        Duration mx = fields.has("max_backoff") ? max : max(max, b);
        Duration rs = reset;
        return in.build(path, RESTART_KEYS, () -> new RestartConfig(b, mx, rs));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
