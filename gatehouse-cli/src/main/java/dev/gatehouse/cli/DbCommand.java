package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse db status|pause|resume|repoint|reconnect|kill}: the PostgreSQL front door of a
 * running node, through the admin API ({@code /api/v1/databases...}).
 */
@Command(name = "db", description = "See and steer the PostgreSQL front door: status, pause, resume, repoint, reconnect, kill.",
        subcommands = {DbCommand.Status.class, DbCommand.Pause.class, DbCommand.Resume.class, DbCommand.Repoint.class,
                DbCommand.Reconnect.class, DbCommand.Kill.class})
final class DbCommand implements Callable<Integer> {

    /** A pause answers once the server is paused: up to pause_timeout and the cancel after it. */
    static final Duration PAUSE_TIMEOUT = Duration.ofMinutes(10);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "db: what? (expected: status, pause, resume, repoint, reconnect or kill)");
    }

    /** {@code gatehouse db status}: each server and its pools. */
    @Command(name = "status", description = "Each server (address, epoch, hold, budget, live check) and its pools.")
    static final class Status implements Callable<Integer> {

        @Mixin
        AdminArgs admin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient.Response r = admin.client().get(API + "/databases");
            PrintWriter out = spec.commandLine().getOut();
            if (!admin.printedJson(r, out)) {
                print(r.json(), out);
                out.flush();
            }
            return 0;
        }

        static void print(JsonNode status, PrintWriter out) {
            Table servers = new Table("SERVER", "ADDRESS", "EPOCH", "HOLD", "HELD", "CAP", "OPEN", "WAITING", "CHECK");
            Table pools = new Table("SERVER", "DATABASE", "USER", "MODE", "MIN/MAX", "OPEN", "IDLE", "IN USE", "WAITING",
                    "OLDEST WAIT", "CLIENTS", "PINS");
            for (JsonNode s : status.path("servers")) {
                JsonNode limits = s.path("limits");
                String check = !s.path("limits_problem").isNull() && s.has("limits_problem") ? "PROBLEM"
                        : limits.isNull() || limits.isMissingNode() ? "pending" : "ok";
                servers.row(s.path("name").asText(), s.path("address").asText(), s.path("epoch").asLong(),
                        s.path("hold").asText(), s.path("held").asInt(),
                        s.path("cap").asInt() + (s.path("cap").asInt() != s.path("configured_cap").asInt()
                                ? " (of " + s.path("configured_cap").asInt() + ")" : ""),
                        s.path("open").asInt(), s.path("waiting").asInt(), check);
                for (JsonNode p : s.path("pools")) {
                    StringBuilder pins = new StringBuilder();
                    for (Iterator<Map.Entry<String, JsonNode>> it = p.path("pins").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        pins.append(pins.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue().asInt());
                    }
                    pools.row(s.path("name").asText(), p.path("database").asText(), p.path("user").asText(),
                            p.path("mode").asText(), p.path("min").asInt() + "/" + p.path("max").asInt(),
                            p.path("open").asInt(), p.path("idle").asInt(), p.path("in_use").asInt(), p.path("waiting").asInt(),
                            p.path("oldest_wait_millis").asLong() + " ms", p.path("clients").asInt(),
                            pins.isEmpty() ? "-" : pins.toString());
                }
            }
            servers.print(out, "");
            for (JsonNode s : status.path("servers")) {
                if (s.hasNonNull("limits_problem")) {
                    out.println("ERROR server " + s.path("name").asText() + ": " + s.path("limits_problem").asText());
                }
            }
            out.println();
            pools.print(out, "");
        }
    }

    /** One server operation: POST /databases/servers/NAME/OP, then the server's line. */
    abstract static class ServerOperation implements Callable<Integer> {

        @Mixin
        AdminArgs admin;

        @Parameters(index = "0", paramLabel = "SERVER", description = "The server's name (databases.servers).")
        String server;

        @Spec
        CommandSpec spec;

        abstract String operation();

        Object body() {
            return Map.of();
        }

        Duration timeout() {
            return AdminClient.REQUEST_TIMEOUT;
        }

        @Override
        public Integer call() {
            AdminClient.Response r = admin.client().send("POST", API + "/databases/servers/" + AdminClient.segment(server)
                    + "/" + operation(), body(), timeout());
            PrintWriter out = spec.commandLine().getOut();
            if (!admin.printedJson(r, out)) {
                JsonNode s = r.json();
                out.println("server " + s.path("name").asText() + ": " + s.path("hold").asText() + ", "
                        + s.path("address").asText() + " (epoch " + s.path("epoch").asLong() + ")");
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "pause", description = {"Stop handing out connections of SERVER; transactions in flight finish",
            "(cancelled at databases.limits.pause_timeout). Returns once every connection is closed."})
    static final class Pause extends ServerOperation {
        @Override
        String operation() {
            return "pause";
        }

        @Override
        Duration timeout() {
            return PAUSE_TIMEOUT;
        }
    }

    @Command(name = "resume", description = "Serve SERVER's held clients again, in the order they came.")
    static final class Resume extends ServerOperation {
        @Override
        String operation() {
            return "resume";
        }
    }

    @Command(name = "reconnect", description = "Close SERVER's idle connections now and the busy ones as their clients release them.")
    static final class Reconnect extends ServerOperation {
        @Override
        String operation() {
            return "reconnect";
        }
    }

    @Command(name = "repoint", description = "Move a paused SERVER to ADDRESS (host:port); resume to use it.")
    static final class Repoint extends ServerOperation {

        @Parameters(index = "1", paramLabel = "ADDRESS", description = "The new host:port.")
        String address;

        @Override
        String operation() {
            return "repoint";
        }

        @Override
        Object body() {
            return Map.of("address", address);
        }
    }

    /** {@code gatehouse db kill NAME}: a pool (a database clients ask for) or a server. */
    @Command(name = "kill", description = {"Close every client (FATAL 57P01) and server connection of a pool",
            "(a database name in databases.pools) or of a server (databases.servers) now."})
    static final class Kill implements Callable<Integer> {

        @Mixin
        AdminArgs admin;

        @Parameters(index = "0", paramLabel = "POOL|SERVER", description = "A pool or a server name.")
        String name;

        @Option(names = "--server", description = "NAME is a server (default: a pool, or a server when no pool has that name).")
        boolean server;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient client = admin.client();
            boolean isServer = server;
            if (!isServer) {
                JsonNode status = client.get(API + "/databases").json();
                boolean pool = false;
                boolean srv = false;
                for (JsonNode s : status.path("servers")) {
                    srv |= s.path("name").asText().equals(name);
                    for (JsonNode p : s.path("pools")) {
                        pool |= p.path("database").asText().equals(name);
                    }
                }
                isServer = srv && !pool;
            }
            String path = isServer ? "/databases/servers/" : "/databases/pools/";
            AdminClient.Response r = client.post(API + path + AdminClient.segment(name) + "/kill", Map.of());
            PrintWriter out = spec.commandLine().getOut();
            out.println(admin.json ? r.body().strip()
                    : "closed " + r.json().path("killed").asInt() + " clients of " + (isServer ? "server " : "pool ") + name);
            out.flush();
            return 0;
        }
    }
}
