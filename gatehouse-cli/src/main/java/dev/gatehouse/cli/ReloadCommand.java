package dev.gatehouse.cli;

import static dev.gatehouse.cli.AdminClient.API;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse reload}: the node reads its configuration file again and applies it
 * ({@code POST /reload}, the same as SIGHUP). Prints what waits for a restart, or the errors that
 * stopped it (then nothing changed, exit code 5).
 */
@Command(name = "reload", description = {
        "Make a running node read its config file again and apply it (like SIGHUP).",
        "Routes and pools change at once, without dropping a connection; runtime changes stay on",
        "top. What only a restart applies (listener addresses, timeouts, limits, ...) is listed. A",
        "file with errors changes nothing (exit code 5)."})
final class ReloadCommand implements Callable<Integer> {

    @Mixin
    AdminArgs admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient.Response r = admin.client().post(API + "/reload", null);
        PrintWriter out = spec.commandLine().getOut();
        if (admin.json) {
            out.println(r.body().strip());
            out.flush();
            return r.json().path("applied").asBoolean(true) ? 0 : Main.EXIT_FAILURE;
        }
        JsonNode result = r.json();
        JsonNode notes = result.path("notes");
        if (!result.path("applied").asBoolean(true)) {
            out.println("reload: not applied");
            notes.forEach(n -> out.println("  " + n.asText()));
            out.flush();
            return Main.EXIT_FAILURE;
        }
        if (notes.isEmpty()) {
            out.println("reload: applied");
        } else {
            out.println("reload: applied, except what only a restart applies:");
            notes.forEach(n -> out.println("  " + n.asText()));
        }
        out.flush();
        return 0;
    }
}
