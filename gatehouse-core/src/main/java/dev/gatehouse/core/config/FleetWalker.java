package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/** Reads the {@code fleet} section into a {@link FleetConfig}. Part of {@link ConfigWalker}. */
final class FleetWalker {

    static final List<String> FLEET_KEYS = List.of("name", "endpoints", "prefix", "user", "password_file", "password_env", "timeout",
            "node", "stale_after", "serve_when_stale", "tls", "agent");
    static final List<String> AGENT_KEYS = List.of("advertise");
    static final List<String> TLS_KEYS = List.of("ca_file", "cert_file", "key_file");

    private final Values in;

    FleetWalker(Values in) {
        this.in = in;
    }

    /** Reads the section; {@code null} when it has an error (already reported). */
    FleetConfig fleet(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map with name and endpoints)");
            return null;
        }
        Values.Fields fields = in.fields(node, path, FLEET_KEYS);
        if (fields == null) {
            return null;
        }
        String name = null;
        List<String> endpoints = null;
        String prefix = FleetConfig.DEFAULT_PREFIX;
        String user = null;
        String passwordFile = null;
        String passwordEnv = null;
        Duration timeout = FleetConfig.DEFAULT_TIMEOUT;
        String nodeName = null;
        Duration staleAfter = FleetConfig.DEFAULT_STALE_AFTER;
        List<String> serveWhenStale = List.of();
        FleetConfig.Tls tls = null;
        FleetConfig.Agent agent = null;
        int mark = in.errorCount();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "name" -> name = in.string(f.value(), f.path());
                case "endpoints" -> endpoints = in.strings(f.value(), f.path(), "etcd client URLs");
                case "prefix" -> prefix = in.string(f.value(), f.path());
                case "user" -> user = in.string(f.value(), f.path());
                case "password_file" -> passwordFile = in.string(f.value(), f.path());
                case "password_env" -> passwordEnv = in.string(f.value(), f.path());
                case "timeout" -> timeout = in.duration(f.value(), f.path());
                case "node" -> nodeName = in.string(f.value(), f.path());
                case "stale_after" -> staleAfter = in.duration(f.value(), f.path());
                case "serve_when_stale" -> serveWhenStale = in.strings(f.value(), f.path(), "pool names");
                case "tls" -> tls = tls(f.value(), f.path());
                case "agent" -> agent = agent(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("name")) {
            in.missing(Paths.child(path, "name"), "the fleet's name");
        }
        if (!fields.has("endpoints")) {
            in.missing(Paths.child(path, "endpoints"), "a list of etcd client URLs");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        String n = name;
        List<String> e = endpoints;
        String p = prefix;
        String u = user;
        String pf = passwordFile;
        String pe = passwordEnv;
        Duration t = timeout;
        String nd = nodeName != null ? nodeName : FleetConfig.localNode();
        Duration sa = staleAfter;
        List<String> sws = serveWhenStale;
        FleetConfig.Tls tl = tls;
        FleetConfig.Agent ag = agent;
        return in.build(path, FLEET_KEYS, () -> new FleetConfig(n, e, p, u, pf, pe, t, nd, sa, sws, tl, ag));
    }

    /** The {@code agent} map. */
    private FleetConfig.Agent agent(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map with advertise, the host the balancer nodes reach"
                    + " this machine's app instances at)");
            return null;
        }
        Values.Fields fields = in.fields(node, path, AGENT_KEYS);
        if (fields == null) {
            return null;
        }
        String advertise = null;
        for (Values.Field f : fields) {
            if (f.key().equals("advertise")) {
                advertise = in.string(f.value(), f.path());
            } else {
                in.unknown(f);
            }
        }
        if (!fields.has("advertise")) {
            in.missing(Paths.child(path, "advertise"), "the host the balancer nodes reach this machine's app instances at");
            return null;
        }
        String a = advertise;
        return a == null ? null : in.build(path, AGENT_KEYS, () -> new FleetConfig.Agent(a));
    }

    /** The {@code tls} map; an empty map is TLS with the JDK's trusted CAs. */
    private FleetConfig.Tls tls(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map with ca_file, and cert_file and key_file for a client certificate)");
            return null;
        }
        Values.Fields fields = in.fields(node, path, TLS_KEYS);
        if (fields == null) {
            return null;
        }
        String ca = null;
        String cert = null;
        String key = null;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "ca_file" -> ca = in.string(f.value(), f.path());
                case "cert_file" -> cert = in.string(f.value(), f.path());
                case "key_file" -> key = in.string(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        String c = ca;
        String ce = cert;
        String k = key;
        return in.build(path, TLS_KEYS, () -> new FleetConfig.Tls(c, ce, k));
    }
}
