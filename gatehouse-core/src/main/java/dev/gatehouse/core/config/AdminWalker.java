package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads the {@code admin} section: {@code false} for no admin listener, {@code true} or a map for
 * one; absent, {@link AdminConfig#DEFAULTS} apply. Part of {@link ConfigWalker}.
 */
final class AdminWalker {

    static final List<String> ADMIN_KEYS = List.of("bind", "token_file", "token_env", "state_file");

    private final Values in;

    AdminWalker(Values in) {
        this.in = in;
    }

    /** Reads the section; {@code null} when it has an error (already reported). */
    AdminConfig admin(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? AdminConfig.DEFAULTS : AdminConfig.DISABLED;
        }
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: false, or a map with bind, token_file, token_env, state_file)");
            return null;
        }
        Values.Fields fields = in.fields(node, path, ADMIN_KEYS);
        if (fields == null) {
            return null;
        }
        AdminConfig d = AdminConfig.DEFAULTS;
        HostPort bind = d.bind();
        String tokenFile = d.tokenFile();
        String tokenEnv = d.tokenEnv();
        String stateFile = d.stateFile();
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "bind" -> bind = ConfigWalker.hostPort(in, in.string(f.value(), f.path()), f.path());
                case "token_file" -> tokenFile = in.string(f.value(), f.path());
                case "token_env" -> tokenEnv = in.string(f.value(), f.path());
                case "state_file" -> stateFile = in.string(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        HostPort b = bind;
        String tf = tokenFile;
        String te = tokenEnv;
        String sf = stateFile;
        return in.build(path, ADMIN_KEYS, () -> new AdminConfig(b, tf, te, sf));
    }
}
