package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;
import static dev.gatehouse.cli.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse status}: the node, then per pool its policies and backends, and where the
 * runtime state differs from the config file. Reads {@code GET /node} and {@code GET /pools} (or
 * {@code /pools/{pool}}); with {@code --json} prints both as {@code {"node": ..., "pools": [...]}}.
 */
@Command(name = "status", description = {
        "Show a running node's pools and backends, and where they differ from the config file.",
        "Per pool: strategy, epoch and live version, queue, retries, panic. Per backend: address,",
        "version, weight, admin state, health state, requests in flight (and limit), latency and the",
        "reason for its state. Then the runtime changes (added, removed, changed backends) that the",
        "node keeps in its state file on top of the config file."})
final class StatusCommand implements Callable<Integer> {

    @Mixin
    AdminArgs admin;

    @Option(names = "--pool", paramLabel = "POOL", description = "Only this pool.")
    String pool;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = admin.client();
        JsonNode node = client.get(API + "/node").json();
        List<JsonNode> pools = new ArrayList<>();
        if (pool != null) {
            pools.add(client.get(API + "/pools/" + segment(pool)).json());
        } else {
            client.get(API + "/pools").json().path("pools").forEach(pools::add);
        }
        JsonNode caches = pool != null ? JsonNodeFactory.instance.arrayNode()
                : client.get(API + "/cache").json().path("caches");
        JsonNode databases = pool != null ? null : databases(client);
        PrintWriter out = spec.commandLine().getOut();
        if (admin.json) {
            ObjectNode both = JsonNodeFactory.instance.objectNode();
            both.set("node", node);
            both.putArray("pools").addAll(pools);
            both.set("caches", caches);
            if (databases != null) {
                both.set("databases", databases);
            }
            out.println(AdminClient.write(both));
        } else {
            render(node, pools, out);
            renderCaches(caches, out);
            renderDatabases(databases, out);
        }
        out.flush();
        return 0;
    }

    /** One line per listener; a TLS listener's certificates below it, with a WARNING near expiry. */
    static void renderListeners(JsonNode listeners, PrintWriter out) {
        for (JsonNode l : listeners) {
            if (!l.path("tls").asBoolean()) {
                out.printf("listener %s: http%n", text(l, "bind"));
                continue;
            }
            out.printf("listener %s: https (%s, %s, client certificates: %s)%n", text(l, "bind"), text(l, "provider"),
                    String.join(" ", l.path("protocols").valueStream().map(JsonNode::asText).toList()), text(l, "client_auth"));
            for (JsonNode c : l.path("certificates")) {
                String names = String.join(", ", c.path("names").valueStream().map(JsonNode::asText).toList());
                out.printf("  certificate %s expires %s%n", names, text(c, "not_after"));
                if (c.hasNonNull("warning")) {
                    out.printf("  WARNING: %s (%s) %s%n", names, text(c, "file"), text(c, "warning"));
                }
            }
        }
    }

    /** The human-readable status. */
    static void render(JsonNode node, List<JsonNode> pools, PrintWriter out) {
        out.printf("node: gatehouse %s, up %s, transport %s%n", text(node, "version"),
                uptime(node.path("uptime_seconds")), text(node, "transport"));
        JsonNode revision = node.has("state_revision") ? node.path("state_revision") : node.path("runtime").path("revision");
        String where = text(node, "state_file");
        // A node without a state file describes it as "not kept (...)"; others name the file.
        out.printf("runtime state: revision %s, %s%n", revision.isMissingNode() ? "-" : revision.asText(),
                where.startsWith("not kept") ? where : "kept in " + where);
        renderFleet(node.path("fleet"), out);
        renderListeners(node.path("listeners"), out);
        for (JsonNode p : pools) {
            String name = p.path("name").asText("?");
            out.println();
            renderPool(p, node.path("pools").path(name), out);
            renderRuntime(node.path("runtime").path("pools").path(name), out);
        }
    }

    /**
     * The fleet as this node sees it: whether its own state is current, then one line per node
     * with the revision of its state, how far behind the newest that is, its last heartbeat and
     * the live version and epoch of each pool on it.
     */
    static void renderFleet(JsonNode fleet, PrintWriter out) {
        if (fleet.isMissingNode() || fleet.isNull()) {
            return;
        }
        out.printf("fleet %s: this node is %s, %s (state confirmed %s ms ago)%n", text(fleet, "name"), text(fleet, "node"),
                fleet.path("stale").asBoolean() ? "STALE" : "current", fleet.path("since_confirmed_millis").asText());
        for (JsonNode n : fleet.path("nodes")) {
            StringBuilder epochs = new StringBuilder();
            n.path("pools").properties().forEach(e -> epochs.append(' ').append(e.getKey()).append('=')
                    .append(e.getValue().path("live_version").asText("-")).append('@').append(e.getValue().path("epoch").asText()));
            StringBuilder apps = new StringBuilder();
            n.path("apps").properties().forEach(e -> {
                apps.append(' ').append(e.getKey()).append(':');
                e.getValue().properties().forEach(v -> apps.append(' ').append(v.getKey()).append('x').append(v.getValue().asText()));
            });
            boolean agent = "agent".equals(n.path("role").asText());
            out.printf("  %s %-20s revision %s (lag %s), heartbeat %s ms ago%s%s%n", agent ? "agent" : "node", text(n, "name"),
                    text(n, "state_revision"), text(n, "revision_lag"), text(n, "heartbeat_age_millis"),
                    n.path("stale").asBoolean() ? ", STALE" : "", agent ? ", apps" + apps : epochs.length() == 0 ? "" : ", pools" + epochs);
        }
    }

    /** The PostgreSQL front door's status, or null for a node without one (404) or one too old to tell. */
    private static JsonNode databases(AdminClient client) {
        try {
            return client.get(API + "/databases").json();
        } catch (CliFailure e) {
            if (e.exitCode() == Main.EXIT_REJECTED) {
                return null;
            }
            throw e;
        }
    }

    /** One line per PostgreSQL server (details: {@code gatehouse db status}). */
    static void renderDatabases(JsonNode databases, PrintWriter out) {
        if (databases == null) {
            return;
        }
        for (JsonNode s : databases.path("servers")) {
            out.println();
            int cap = s.path("cap").asInt();
            int configured = s.path("configured_cap").asInt();
            out.printf("database server %s: %s, %s (epoch %d), %d of %d connections%s, %d waiting, %d held%n",
                    text(s, "name"), text(s, "hold"), text(s, "address"), s.path("epoch").asLong(), s.path("open").asInt(), cap,
                    cap == configured ? "" : " (configured " + configured + ")", s.path("waiting").asInt(), s.path("held").asInt());
            if (s.hasNonNull("limits_problem")) {
                out.printf("  ERROR %s%n", text(s, "limits_problem"));
            }
        }
    }

    /** One line per route cache: its size against its bounds, and what it answered. */
    static void renderCaches(JsonNode caches, PrintWriter out) {
        for (JsonNode c : caches) {
            out.println();
            String disk = c.path("disk_bytes").asLong(-1) < 0 ? "no disk tier"
                    : String.format(java.util.Locale.ROOT, "%s of %s on disk (%d entries)", size(c.path("disk_bytes").asLong()),
                            size(c.path("disk_limit").asLong()), c.path("disk_entries").asLong());
            out.printf("cache %s: %s of %s in memory (%d entries), %s%n", text(c, "route"), size(c.path("memory_bytes").asLong()),
                    size(c.path("memory_limit").asLong()), c.path("memory_entries").asLong(), disk);
            out.printf("  hits %d, stale %d, revalidated %d, collapsed %d, misses %d, bypassed %d, stored %d%n",
                    c.path("hits").asLong(), c.path("stale").asLong(), c.path("revalidated").asLong(), c.path("collapsed").asLong(),
                    c.path("misses").asLong(), c.path("bypassed").asLong(), c.path("stored").asLong());
        }
    }

    private static String size(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static void renderPool(JsonNode p, JsonNode served, PrintWriter out) {
        StringBuilder head = new StringBuilder("pool ").append(p.path("name").asText("?"))
                .append(" (").append(text(p, "strategy")).append(")");
        if (!served.isMissingNode()) {
            head.append(": epoch ").append(text(served, "epoch")).append(", live version ").append(text(served, "live_version"));
        }
        out.println(head);
        JsonNode q = p.path("queue");
        long queued = q.path("queued_total").asLong();
        out.printf("  queue: %s waiting; %d queued, %s rejected, %s timed out%s%n", text(q, "length"), queued,
                text(q, "rejected_total"), text(q, "timed_out_total"),
                queued > 0 ? String.format(Locale.ROOT, ", %.1f ms average wait", q.path("wait_ms_total").asDouble() / queued) : "");
        out.printf("  retries: %s, denied by the budget %s; panic: %s%n", text(p, "retries"), text(p, "retries_denied"),
                p.path("panicking").asBoolean() ? "YES (too few backends available)" : "no");
        Table table = new Table("ADDRESS", "VERSION", "WEIGHT", "ADMIN", "STATE", "IN-FLIGHT", "LATENCY", "REASON");
        for (JsonNode b : p.path("backends")) {
            int limit = b.path("limit").asInt(0);
            String inFlight = text(b, "in_flight") + (limit > 0 ? "/" + limit : "");
            double latency = b.path("latency_ms").asDouble(0);
            String reason = b.path("reason").asText("");
            JsonNode deadline = b.path("drain_deadline");
            if (!deadline.isMissingNode() && !deadline.isNull()) {
                reason = (reason.isEmpty() ? "" : reason + "; ") + "drain deadline " + time(deadline);
            }
            table.row(text(b, "address"), text(b, "version"), text(b, "weight"), text(b, "admin"), text(b, "state"),
                    inFlight, latency > 0 ? String.format(Locale.ROOT, "%.1f ms", latency) : "-", reason);
        }
        table.print(out, "  ");
        renderTunnels(p, out);
    }

    /** Open tunnels (WebSockets), by version, when there are any: a deploy waits for the old version's. */
    private static void renderTunnels(JsonNode p, PrintWriter out) {
        java.util.Map<String, Long> perVersion = new java.util.TreeMap<>();
        long total = 0;
        for (JsonNode b : p.path("backends")) {
            long open = b.path("tunnels").asLong(0);
            if (open > 0) {
                perVersion.merge(b.path("version").asText("?"), open, Long::sum);
                total += open;
            }
        }
        if (total > 0) {
            StringBuilder line = new StringBuilder();
            perVersion.forEach((v, n) -> line.append(line.isEmpty() ? "" : ", ").append(v).append(' ').append(n));
            out.printf("  tunnels open: %d (%s)%n", total, line);
        }
    }

    /** The pool's runtime changes: where it differs from the config file. */
    private static void renderRuntime(JsonNode changes, PrintWriter out) {
        boolean none = changes.path("added").isEmpty() && changes.path("removed").isEmpty()
                && changes.path("overrides").isEmpty();
        if (none) {
            out.println("  runtime changes: none, the pool is as the config file says");
            return;
        }
        out.println("  runtime changes (the config file says otherwise):");
        Table table = Table.withoutHeader(3);
        for (JsonNode a : changes.path("added")) {
            table.row("added", text(a, "address"), "weight " + text(a, "weight") + ", version " + text(a, "version"));
        }
        for (JsonNode r : changes.path("removed")) {
            table.row("removed", r.isTextual() ? r.asText() : text(r, "address"), "");
        }
        for (JsonNode o : changes.path("overrides")) {
            List<String> what = new ArrayList<>();
            if (!o.path("weight").isMissingNode() && !o.path("weight").isNull()) {
                what.add("weight " + o.path("weight").asText());
            }
            if (!o.path("admin").isMissingNode() && !o.path("admin").isNull()) {
                what.add("admin " + o.path("admin").asText());
            }
            // Jackson's default name for BackendOverride.drainDeadlineMillis; the other spelling, should the API rename it.
            JsonNode deadline = o.has("drainDeadlineMillis") ? o.path("drainDeadlineMillis") : o.path("drain_deadline_millis");
            if (!deadline.isMissingNode() && !deadline.isNull()) {
                what.add("drain deadline " + time(deadline));
            }
            table.row("changed", text(o, "address"), String.join(", ", what));
        }
        table.print(out, "    ");
    }

    /** A field as text, or {@code -} when it is missing or null. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }

    /** Epoch milliseconds or a string, as an ISO instant to the second. */
    static String time(JsonNode v) {
        if (v.isNumber()) {
            return Instant.ofEpochMilli(v.asLong()).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        return v.asText();
    }

    /** {@code 3d 4h}, {@code 2h 03m}, {@code 5m 12s} or {@code 42s}. */
    static String uptime(JsonNode seconds) {
        if (!seconds.isNumber()) {
            return "-";
        }
        long s = seconds.asLong();
        if (s >= 86_400) {
            return String.format(Locale.ROOT, "%dd %dh", s / 86_400, s % 86_400 / 3600);
        }
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
