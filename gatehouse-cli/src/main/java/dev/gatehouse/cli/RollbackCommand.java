package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;
import static dev.gatehouse.cli.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse rollback}: makes a pool's previous version live again
 * ({@code POST /pools/{pool}/rollback}), fast or strict, while its backends are still registered.
 */
@Command(name = "rollback", description = {
        "Make a pool's previous version live again, fast or --strict, as a deploy",
        "cuts over. It works while the previous version's backends are still in the",
        "pool: a completed deploy retires them, so add them back first (gatehouse",
        "backend add --version V ...) or deploy the old version. The version left",
        "stays registered, idle: a second rollback goes forward again."})
final class RollbackCommand implements Callable<Integer> {

    @Mixin
    AdminArgs admin;

    @Option(names = "--pool", required = true, paramLabel = "POOL", description = "The pool, e.g. web.")
    String pool;

    @Option(names = "--strict", description = "Strict cutover: new requests wait, at most --hold-timeout, while the"
            + " current version's finish; the two versions never run at the same time.")
    boolean strict;

    @Option(names = "--hold-timeout", paramLabel = "DURATION",
            description = "With --strict, the longest hold of new requests; past it nothing changes (default: 10s).")
    String holdTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("mode", strict ? "strict" : "fast");
        DeployCommand.putDuration(body, "hold_timeout", "--hold-timeout", holdTimeout);
        // A strict rollback answers once the hold is over: allow for it on top of the usual wait.
        Duration hold = holdTimeout == null ? Duration.ofSeconds(10) : AdminClient.parseDuration(holdTimeout);
        AdminClient.Response r = admin.client().send("POST", API + "/pools/" + segment(pool) + "/rollback", body,
                AdminClient.REQUEST_TIMEOUT.plus(hold));
        PrintWriter out = spec.commandLine().getOut();
        if (admin.json) {
            out.println(r.body().strip());
        } else {
            JsonNode result = r.json();
            out.println(pool + ": " + result.path("live_version").asText("?") + " live again at epoch "
                    + result.path("epoch").asText("?"));
        }
        out.flush();
        return 0;
    }
}
