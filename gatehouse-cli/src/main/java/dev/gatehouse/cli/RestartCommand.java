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
 * {@code gatehouse restart}: the node starts a new process of its own command line, hands it the
 * listening sockets, then drains and exits ({@code POST /restart}, the same as SIGUSR2). Prints the
 * new process's pid, or why the node kept serving.
 */
@Command(name = "restart", description = {
        "Restart a running node without refusing a connection (like SIGUSR2).",
        "It starts a new process with the same command line (a new jar at the",
        "same path is the new binary), which reads the config and state files",
        "and takes over the listening sockets; the old process then drains and",
        "exits. A new process that fails to start leaves the old one serving and",
        "its reason is printed (exit code 1). Refused while a deploy runs (exit",
        "code 5). Needs Linux (the epoll transport)."})
final class RestartCommand implements Callable<Integer> {

    @Mixin
    AdminArgs admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // The node answers once the new process serves: a JVM start and a config load, up to a minute.
        AdminClient.Response r = admin.client().send("POST", API + "/restart", null, java.time.Duration.ofSeconds(75));
        PrintWriter out = spec.commandLine().getOut();
        if (admin.printedJson(r, out)) {
            return 0;
        }
        JsonNode result = r.json();
        out.println("restart: new process " + result.path("pid").asLong() + " serves; process "
                + result.path("old_pid").asLong() + " drains and exits");
        out.flush();
        return 0;
    }
}
