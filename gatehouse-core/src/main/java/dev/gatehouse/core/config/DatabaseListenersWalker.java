package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code databases.listeners} and checks that no database listener takes an address another
 * listener of the node has. Part of {@link DatabasesWalker}.
 */
final class DatabaseListenersWalker {

    static final List<String> LISTENER_KEYS = List.of("bind", "max_clients", "tls");

    private final Values in;

    DatabaseListenersWalker(Values in) {
        this.in = in;
    }

    /** Reads the list; {@code null} when anything in it was wrong (reported). */
    List<DatabaseListenerConfig> listeners(JsonNode node, String path) {
        ArrayNode list = in.list(node, path, "database listeners");
        if (list == null) {
            return null;
        }
        int mark = in.errorCount();
        List<DatabaseListenerConfig> out = new ArrayList<>();
        Map<HostPort, String> binds = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(listener(list.get(i), Paths.index(path, i), binds));
        }
        return in.errorCount() == mark ? out : null;
    }

    private DatabaseListenerConfig listener(JsonNode node, String path, Map<HostPort, String> binds) {
        Values.Fields fields = in.fields(node, path, LISTENER_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        HostPort bind = null;
        Integer maxClients = DatabaseListenerConfig.DEFAULT_MAX_CLIENTS;
        TlsConfig tls = null;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "bind" -> bind = bind(f, binds, path);
                case "max_clients" -> maxClients = in.integer(f.value(), f.path(), 1, DatabaseListenerConfig.MAX_CLIENTS);
                case "tls" -> tls = new TlsWalker(in).tls(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("bind")) {
            in.missing(Paths.child(path, "bind"), "host:port, such as 127.0.0.1:6432");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        HostPort b = bind;
        int m = maxClients;
        TlsConfig t = tls;
        return in.build(path, LISTENER_KEYS, () -> new DatabaseListenerConfig(b, m, t));
    }

    private HostPort bind(Values.Field f, Map<HostPort, String> binds, String listenerPath) {
        String text = in.string(f.value(), f.path());
        HostPort bind = ConfigWalker.hostPort(in, text, f.path());
        if (bind == null) {
            return null;
        }
        String other = bind.port() == 0 ? null : binds.putIfAbsent(lower(bind), listenerPath);
        if (other != null) {
            in.error(f.path(), Values.quote(text) + " (expected: an address not already bound by " + other + ")");
            return null;
        }
        return bind;
    }

    /**
     * Reports a database listener on the address of an HTTP listener or of the admin listener
     * (port 0 never clashes: each such listener gets its own free port).
     */
    void clashes(DatabasesConfig databases, List<ListenerConfig> http, AdminConfig admin) {
        Map<HostPort, String> taken = new HashMap<>();
        for (int i = 0; i < http.size(); i++) {
            taken.putIfAbsent(lower(http.get(i).bind()), Paths.index("listeners", i));
        }
        if (admin != null && admin.enabled()) {
            taken.putIfAbsent(lower(admin.bind()), "admin.bind");
        }
        for (int i = 0; i < databases.listeners().size(); i++) {
            HostPort bind = databases.listeners().get(i).bind();
            String other = bind.port() == 0 ? null : taken.get(lower(bind));
            if (other != null) {
                in.error(Paths.child(Paths.index("databases.listeners", i), "bind"), Values.quote(bind.toString())
                        + " (expected: an address not already bound by " + other + ")");
            }
        }
    }

    private static HostPort lower(HostPort hp) {
        return new HostPort(hp.host().toLowerCase(Locale.ROOT), hp.port());
    }
}
