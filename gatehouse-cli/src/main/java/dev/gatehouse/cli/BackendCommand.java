package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;
import static dev.gatehouse.cli.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.HostPort;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse backend add|remove|drain|weight|ready|maintenance}: one runtime change to one
 * backend of a pool, through the admin API. The node validates it, keeps it in its state file and
 * applies it in one step; a rejected change (exit code 5) changed nothing.
 */
@Command(name = "backend",
        description = "Change a backend of a running node: add, remove, drain, weight, ready, maintenance.",
        subcommands = {BackendCommand.Add.class, BackendCommand.Remove.class, BackendCommand.Drain.class,
                BackendCommand.Weight.class, BackendCommand.Ready.class, BackendCommand.Maintenance.class})
final class BackendCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(),
                "backend: which change? (expected: add, remove, drain, weight, ready or maintenance)");
    }

    /** What every change names: the node, the pool and the backend. */
    abstract static class Change implements Callable<Integer> {

        @Mixin
        AdminArgs admin;

        @Option(names = "--pool", required = true, paramLabel = "POOL", description = "The pool, e.g. web.")
        String pool;

        @Option(names = "--address", required = true, paramLabel = "HOST:PORT", description = "The backend, e.g. 10.0.0.13:8001.")
        String address;

        @Spec
        CommandSpec spec;

        private HostPort parsed;

        /** The backend's address, checked. */
        HostPort address() {
            if (parsed == null) {
                try {
                    parsed = HostPort.parse(address);
                } catch (IllegalArgumentException e) {
                    throw new CliFailure(Main.EXIT_CONFIG, "--address: " + e.getMessage());
                }
            }
            return parsed;
        }

        String poolPath() {
            return API + "/pools/" + segment(pool);
        }

        String backendPath() {
            return poolPath() + "/backends/" + segment(address().toString());
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Prints the API's answer with {@code --json}, else {@code text}. */
        int done(AdminClient.Response response, String text) {
            PrintWriter out = out();
            if (admin.json) {
                if (!response.body().isBlank()) {
                    out.println(response.body().strip());
                }
            } else {
                out.println(pool + ": " + address() + " " + text);
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "add", description = "Add a backend to a pool; it takes traffic once it passes a health check (if the pool has them).")
    static final class Add extends Change {

        @Option(names = "--weight", paramLabel = "N", description = "Its weight, 1-1000 (default: as the node decides, 1).")
        Integer weight;

        @Option(names = "--version", paramLabel = "V", description = "Its version label, e.g. v42 (default: as the node decides).")
        String version;

        @Override
        public Integer call() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("address", address().toString());
            if (weight != null) {
                body.put("weight", weight);
            }
            if (version != null) {
                body.put("version", version);
            }
            AdminClient.Response r = admin.client().post(poolPath() + "/backends", body);
            JsonNode b = r.json();
            String w = b.hasNonNull("weight") ? b.path("weight").asText() : weight == null ? null : weight.toString();
            String v = b.hasNonNull("version") ? b.path("version").asText() : version;
            String details = (w == null ? "" : "weight " + w) + (w != null && v != null ? ", " : "") + (v == null ? "" : "version " + v);
            return done(r, "added" + (details.isEmpty() ? "" : " (" + details + ")"));
        }
    }

    @Command(name = "remove", description = "Remove a backend from a pool; requests in flight on it finish.")
    static final class Remove extends Change {

        @Override
        public Integer call() {
            return done(admin.client().delete(backendPath()), "removed (requests in flight on it finish)");
        }
    }

    @Command(name = "drain", description = {
            "Drain a backend: it takes no new requests and those in flight finish; it is drained when none is left.",
            "Returns at once, or with --wait once it is drained."})
    static final class Drain extends Change {

        /** The config file's duration grammar: digits and ms, s, m or h. */
        private static final Pattern DURATION = Pattern.compile("[0-9]{1,9}(ms|s|m|h)");
        private static final Duration POLL = Duration.ofMillis(500);

        @Option(names = "--deadline", paramLabel = "DURATION",
                description = "After this long the drain is done even with requests in flight, e.g. 30s (default: none).")
        String deadline;

        @Option(names = "--wait", description = "Wait until the backend is drained, printing its requests in flight as they fall.")
        boolean await;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, Object> body = new LinkedHashMap<>();
            if (deadline != null) {
                if (!DURATION.matcher(deadline).matches() || deadline.matches("0+(ms|s|m|h)")) {
                    throw new CliFailure(Main.EXIT_CONFIG, "--deadline: \"" + deadline
                            + "\" (expected: a duration such as 500ms, 30s, 5m or 1h)");
                }
                body.put("deadline", deadline);
            }
            AdminClient client = admin.client();
            AdminClient.Response r = client.post(backendPath() + "/drain", body);
            if (!await) {
                return done(r, "draining: it takes no new requests, those in flight finish"
                        + (deadline == null ? "" : " (or are cut after " + deadline + ")")
                        + "; gatehouse status shows when it is drained");
            }
            if (!admin.json) {
                done(r, "draining: it takes no new requests; waiting for those in flight to finish"
                        + (deadline == null ? "" : " (at most " + deadline + ")"));
            }
            return awaitDrained(client);
        }

        private int awaitDrained(AdminClient client) throws InterruptedException {
            PrintWriter out = out();
            int shown = -1;
            while (true) {
                JsonNode b = find(client.get(poolPath()).json());
                if (b == null) {
                    throw new CliFailure(Main.EXIT_FAILURE, pool + ": " + address() + " is gone from the pool while it drained");
                }
                String adminState = b.path("admin").asText("");
                int inFlight = b.path("in_flight").asInt(0);
                if ("drained".equals(b.path("state").asText()) || (AdminState.DRAIN.apiName().equals(adminState) && inFlight == 0)) {
                    if (admin.json) {
                        out.println(AdminClient.write(b));
                    } else {
                        out.println(pool + ": " + address() + " drained: no request in flight");
                    }
                    out.flush();
                    return 0;
                }
                if (!adminState.isEmpty() && !AdminState.DRAIN.apiName().equals(adminState)) {
                    throw new CliFailure(Main.EXIT_FAILURE, pool + ": " + address() + " is no longer draining (admin: "
                            + adminState + "): another change came first");
                }
                if (inFlight != shown && !admin.json) {
                    out.println("  " + inFlight + " in flight");
                    out.flush();
                }
                shown = inFlight;
                // The CLI polls the node on the user's thread: no event loop or decision waits here.
                Thread.sleep(POLL.toMillis());
            }
        }

        private JsonNode find(JsonNode pool) {
            for (JsonNode b : pool.path("backends")) {
                String a = b.path("address").asText("");
                try {
                    if (HostPort.parse(a).equals(address())) {
                        return b;
                    }
                } catch (IllegalArgumentException e) {
                    // not an address we could have named
                }
            }
            return null;
        }
    }

    @Command(name = "weight", description = "Set a backend's weight (its share of the pool's traffic with weighted strategies).")
    static final class Weight extends Change {

        @Option(names = "--weight", required = true, paramLabel = "N", description = "The new weight, 1-1000.")
        int weight;

        @Override
        public Integer call() {
            return done(admin.client().put(backendPath() + "/weight", Map.of("weight", weight)), "weight " + weight);
        }
    }

    @Command(name = "ready", description = "Put a backend (back) in service: it takes requests when healthy. Ends a drain or maintenance.")
    static final class Ready extends Change {

        @Override
        public Integer call() {
            return done(admin.client().post(backendPath() + "/ready", null), "ready: it takes requests again when healthy");
        }
    }

    @Command(name = "maintenance", description = "Take a backend out for maintenance: no new requests; those in flight finish.")
    static final class Maintenance extends Change {

        @Override
        public Integer call() {
            return done(admin.client().post(backendPath() + "/maintenance", null),
                    "in maintenance: it takes no new requests (gatehouse backend ready puts it back)");
        }
    }
}
