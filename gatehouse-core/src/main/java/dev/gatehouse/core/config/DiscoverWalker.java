package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a pool's {@code discover} list and the {@code dns} section. Part of {@link ConfigWalker}. */
final class DiscoverWalker {

    static final List<String> ENTRY_KEYS = List.of("name", "srv", "port", "weight", "version");
    static final List<String> DNS_KEYS = List.of("servers", "timeout", "min_ttl", "max_ttl", "hold_empty");

    private final Values in;

    DiscoverWalker(Values in) {
        this.in = in;
    }

    /** The {@code discover} list; {@code null} when it has an error (already reported). */
    List<DiscoverConfig> discover(JsonNode node, String path) {
        ArrayNode list = in.list(node, path, "names to resolve");
        if (list == null) {
            return null;
        }
        int mark = in.errorCount();
        List<DiscoverConfig> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(entry(list.get(i), Paths.index(path, i)));
        }
        return in.errorCount() == mark ? out : null;
    }

    private DiscoverConfig entry(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map with name and port, or with srv)");
            return null;
        }
        Values.Fields fields = in.fields(node, path, ENTRY_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        String name = null;
        String srv = null;
        Integer port = 0;
        Integer weight = 1;
        String version = BackendConfig.DEFAULT_VERSION;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "name" -> name = in.string(f.value(), f.path());
                case "srv" -> srv = in.string(f.value(), f.path());
                case "port" -> port = in.integer(f.value(), f.path(), 1, 65535);
                case "weight" -> weight = in.integer(f.value(), f.path(), 1, 1000);
                case "version" -> version = version(in.string(f.value(), f.path()), f.path());
                default -> in.unknown(f);
            }
        }
        if (fields.has("name") == fields.has("srv")) {
            in.error(path, (fields.has("name") ? "both name and srv" : "neither name nor srv")
                    + " (expected: name with port, for A and AAAA records; or srv, for SRV records)");
        } else if (fields.has("srv") && fields.has("weight")) {
            in.error(Paths.child(path, "weight"), "given with srv (expected: none; each SRV record gives its weight)");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        boolean isSrv = srv != null;
        String n = isSrv ? srv : name;
        int p = port;
        int w = weight;
        String v = version;
        return in.build(path, ENTRY_KEYS, () -> new DiscoverConfig(n, isSrv ? DiscoverConfig.Kind.SRV : DiscoverConfig.Kind.ADDRESSES,
                p, w, v));
    }

    private String version(String text, String path) {
        if (text != null && !text.matches("[A-Za-z0-9._-]{1,64}")) {
            in.error(path, Values.quote(text) + " (expected: a version label of 1-64 letters, digits, ., _ or -)");
            return null;
        }
        return text;
    }

    /** The {@code dns} section; {@code null} when it has an error (already reported). */
    DnsConfig dns(JsonNode node, String path) {
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: a map with servers, timeout, min_ttl, max_ttl, hold_empty)");
            return null;
        }
        Values.Fields fields = in.fields(node, path, DNS_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        DnsConfig d = DnsConfig.DEFAULTS;
        List<HostPort> servers = d.servers();
        Duration timeout = d.timeout();
        Duration minTtl = d.minTtl();
        Duration maxTtl = d.maxTtl();
        Duration holdEmpty = d.holdEmpty();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "servers" -> servers = servers(f.value(), f.path());
                case "timeout" -> timeout = in.duration(f.value(), f.path());
                case "min_ttl" -> minTtl = in.duration(f.value(), f.path());
                case "max_ttl" -> maxTtl = in.duration(f.value(), f.path());
                case "hold_empty" -> holdEmpty = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        List<HostPort> s = servers;
        Duration t = timeout;
        Duration min = minTtl;
        Duration max = maxTtl;
        Duration hold = holdEmpty;
        return in.build(path, DNS_KEYS, () -> new DnsConfig(s, t, min, max, hold));
    }

    /** DNS servers: {@code ip} (port 53) or {@code ip:port}. */
    private List<HostPort> servers(JsonNode node, String path) {
        List<String> texts = in.strings(node, path, "DNS server addresses");
        if (texts == null) {
            return null;
        }
        List<HostPort> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            String withPort = text.matches("[0-9.]+") || text.matches("\\[[0-9a-fA-F:.]+\\]") ? text + ":53" : text;
            HostPort a = ConfigWalker.hostPort(in, withPort, Paths.index(path, i));
            if (a != null && (a.port() == 0 || !isIpLiteral(a.host()))) {
                in.error(Paths.index(path, i), Values.quote(text) + " (expected: an IP address, with a port or not, such as"
                        + " 10.0.0.2 or 10.0.0.2:5353)");
                a = null;
            }
            out.add(a);
        }
        return out.contains(null) ? null : out;
    }

    /** An IPv4 address (four numbers 0-255) or an IPv6 one (hex groups, at most one {@code ::}). */
    static boolean isIpLiteral(String host) {
        if (host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return java.util.Arrays.stream(host.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
        }
        if (!host.matches("[0-9A-Fa-f:]+") || host.indexOf("::") != host.lastIndexOf("::") || host.contains(":::")) {
            return false;
        }
        String[] groups = host.split(":", -1);
        boolean compressed = host.contains("::");
        return groups.length >= 3 && groups.length <= 9 && (compressed || groups.length == 8)
                && java.util.Arrays.stream(groups).allMatch(g -> g.length() <= 4);
    }
}
