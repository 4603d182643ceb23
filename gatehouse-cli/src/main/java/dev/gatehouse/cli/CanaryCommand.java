package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;
import static dev.gatehouse.cli.AdminClient.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse canary}: sends a share of a pool's new requests to a registered version beside
 * the live one ({@code POST /pools/{pool}/canary}); {@code --percent 0} ends it.
 */
@Command(name = "canary", description = {
        "Send --percent of a pool's new requests to a registered version beside the",
        "live one (register its backends first: gatehouse backend add --version V ...).",
        "--percent 0 ends the canary; a cutover (deploy, rollback) ends it too."})
final class CanaryCommand implements Callable<Integer> {

    @Mixin
    AdminArgs admin;

    @Option(names = "--pool", required = true, paramLabel = "POOL", description = "The pool, e.g. web.")
    String pool;

    @Option(names = "--version", paramLabel = "V", description = "The canary version (not needed with --percent 0).")
    String version;

    @Option(names = "--percent", required = true, paramLabel = "N", description = "Its share of new requests, 1-99; 0 ends it.")
    int percent;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        if (version != null && percent != 0) {
            body.put("version", version);
        }
        body.put("percent", percent);
        AdminClient.Response r = admin.client().send("POST", API + "/pools/" + segment(pool) + "/canary", body,
                AdminClient.REQUEST_TIMEOUT);
        PrintWriter out = spec.commandLine().getOut();
        if (admin.json) {
            out.println(r.body().strip());
        } else {
            JsonNode result = r.json();
            out.println(result.path("canary").isNull()
                    ? pool + ": no canary; " + result.path("live_version").asText("?") + " takes every request"
                    : pool + ": " + result.path("canary").asText() + " takes " + result.path("canary_percent").asText()
                            + " % of new requests beside " + result.path("live_version").asText("?"));
        }
        out.flush();
        return 0;
    }
}
