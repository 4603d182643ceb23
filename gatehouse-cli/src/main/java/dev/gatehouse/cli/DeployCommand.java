package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;
import static dev.gatehouse.cli.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.core.config.HostPort;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse deploy}: starts a deploy through the admin API ({@code POST /pools/{pool}/deploy}),
 * then follows it ({@code GET} every 100 ms) and prints each step as it comes, with the time since
 * the command started:
 *
 * <pre>
 * 0.0s  gating: healthy 1 of 2
 * 0.4s  holding: 3 requests of v41 in flight
 * 0.5s  switched: v42 live at epoch 3
 * 0.6s  draining: 0 requests of v41 in flight
 * 0.6s  done: v42 live, v41 retired
 * </pre>
 *
 * Exit code 0 when it is done, 1 when it aborted (with the reason), and the admin commands' codes
 * when the node cannot be reached (3), refuses the token (4) or rejects the deploy (5).
 */
@Command(name = "deploy", description = {
        "Deploy a new version of a pool's app with no failed request, and follow it.",
        "The node registers the new version's backends (idle), waits until they are",
        "healthy (all, or --quorum of them), cuts over, drains the old version and",
        "retires it. Fast cutover: new requests go to the new version at once. Strict",
        "(--strict): new requests wait while the old version's finish, so the two",
        "never run at the same time. Each step is printed as it comes. A deploy that",
        "fails before the switch changes nothing for clients: the old version keeps",
        "serving (exit code 1). Ctrl-C stops following, not the deploy.",
        "",
        "Example: gatehouse deploy --pool web --version v42 --strict \\",
        "           --backend 10.0.0.21:8001 --backend 10.0.0.22:8001"})
final class DeployCommand implements Callable<Integer> {

    /** How often the deploy is looked at. */
    static final Duration POLL = Duration.ofMillis(100);
    /** The config file's duration grammar: digits and ms, s, m or h. */
    private static final Pattern DURATION = Pattern.compile("[0-9]{1,9}(ms|s|m|h)");

    @Mixin
    AdminArgs admin;

    @Option(names = "--pool", required = true, paramLabel = "POOL", description = "The pool, e.g. web.")
    String pool;

    @Option(names = "--version", required = true, paramLabel = "V",
            description = "The version to make live, e.g. v42 (a label: letters, digits, ., _ or -).")
    String version;

    @Option(names = "--backend", paramLabel = "HOST:PORT",
            description = "A backend of the new version, already running; repeat for each, e.g. --backend 10.0.0.21:8001"
                    + " --backend 10.0.0.22:8001.")
    List<String> backends = new ArrayList<>();

    @Option(names = "--strict", description = "Strict cutover: no request of the old version runs once the first of the"
            + " new version has started (new requests wait, at most --hold-timeout, while the old ones finish).")
    boolean strict;

    @Option(names = "--quorum", paramLabel = "N",
            description = "How many of the new backends must be healthy to cut over (default: all of them).")
    Integer quorum;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Requests to send to the new backends once they are healthy, before the switch (default: none).")
    Integer warmup;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "The longest wait for the new backends to be healthy; past it the deploy aborts and the old"
                    + " version keeps serving (default: 60s).")
    String timeout;

    @Option(names = "--hold-timeout", paramLabel = "DURATION",
            description = "With --strict, the longest hold of new requests while the old version's finish; past it the"
                    + " deploy aborts and nothing changed for clients (default: 10s).")
    String holdTimeout;

    @Option(names = "--drain-timeout", paramLabel = "DURATION",
            description = "After the switch, the longest wait for the old version's requests before it is retired"
                    + " (those requests still finish; default: 30s).")
    String drainTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        long start = System.nanoTime();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", version);
        if (!backends.isEmpty()) {
            body.put("backends", backends.stream().map(DeployCommand::address).toList());
        }
        body.put("mode", strict ? "strict" : "fast");
        if (quorum != null) {
            body.put("quorum", quorum);
        }
        if (warmup != null) {
            body.put("warmup", warmup);
        }
        putDuration(body, "gate_timeout", "--timeout", timeout);
        putDuration(body, "hold_timeout", "--hold-timeout", holdTimeout);
        putDuration(body, "drain_timeout", "--drain-timeout", drainTimeout);
        AdminClient client = admin.client();
        String path = API + "/pools/" + segment(pool) + "/deploy";
        JsonNode view = client.post(path, body).json();
        String startedAt = view.path("started_at").asText("");
        Progress progress = new Progress(spec.commandLine().getOut(), start, !admin.json);
        progress.show(view);
        while (!ended(view)) {
            // The CLI polls the node on the user's thread: no event loop or decision waits here.
            Thread.sleep(POLL.toMillis());
            try {
                view = client.get(path).json();
            } catch (CliFailure e) {
                throw new CliFailure(e.exitCode(), e.getMessage() + " (the deploy goes on on the node: GET " + path
                        + " shows where it stands)");
            }
            if (!startedAt.equals(view.path("started_at").asText(""))) {
                throw new CliFailure(Main.EXIT_FAILURE, "another deploy started in pool " + pool + " (to "
                        + view.path("to").asText("?") + ") before this one's end was seen: GET " + path + " shows it");
            }
            progress.show(view);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (admin.json) {
            out.println(AdminClient.write(view));
            out.flush();
        }
        if ("done".equals(view.path("phase").asText())) {
            return 0;
        }
        throw new CliFailure(Main.EXIT_FAILURE, "deploy of " + version + " to pool " + pool + " aborted: "
                + view.path("reason").asText("no reason given") + (view.path("switched").asBoolean(false) ? ""
                        : " (" + view.path("from").asText("the old version") + " still serves, nothing changed for clients)"));
    }

    private static boolean ended(JsonNode view) {
        String phase = view.path("phase").asText("");
        return phase.equals("done") || phase.equals("aborted") || view.path("ended_at").isTextual();
    }

    private static String address(String text) {
        try {
            return HostPort.parse(text).toString();
        } catch (IllegalArgumentException e) {
            throw new CliFailure(Main.EXIT_CONFIG, "--backend: " + e.getMessage());
        }
    }

    /** Checks a duration here, so that a typo costs no round trip (the node checks its range again). */
    static void putDuration(Map<String, Object> body, String field, String option, String value) {
        if (value == null) {
            return;
        }
        if (!DURATION.matcher(value).matches() || value.matches("0+(ms|s|m|h)")) {
            throw new CliFailure(Main.EXIT_CONFIG, option + ": \"" + value
                    + "\" (expected: a duration such as 500ms, 30s, 5m or 1h)");
        }
        body.put(field, value);
    }

    /** Prints each new step of a deploy once, with the time since the command started. */
    static final class Progress {

        private final PrintWriter out;
        private final long startNanos;
        private final boolean print;
        private String shown;
        private boolean switchShown;

        Progress(PrintWriter out, long startNanos, boolean print) {
            this.out = out;
            this.startNanos = startNanos;
            this.print = print;
        }

        void show(JsonNode view) {
            if (!print) {
                return;
            }
            String seconds = String.format(Locale.ROOT, "%.1fs", (System.nanoTime() - startNanos) / 1e9);
            if (view.path("switched").asBoolean(false) && !switchShown) {
                switchShown = true;
                out.println(seconds + "  switched: " + view.path("to").asText("?") + " live at epoch "
                        + view.path("epoch").asText("?"));
            }
            String step = view.path("phase").asText("?") + ": " + view.path("detail").asText("");
            if (!step.equals(shown)) {
                shown = step;
                out.println(seconds + "  " + step);
            }
            out.flush();
        }
    }
}
