package dev.gatehouse.cli;

import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.fleet.FleetMember;
import dev.gatehouse.server.control.FileStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse run --config FILE}: runs a node until SIGTERM or SIGINT, then drains. Runtime
 * changes are kept in the state file and restored at start; SIGHUP reloads the file.
 */
@Command(name = "run", description = {
        "Run a Gatehouse node from a configuration file.",
        "Runtime changes (gatehouse backend ...) are kept in the state file,",
        "admin.state_file or else <config file>.state.json, and restored at",
        "start. SIGHUP reloads the configuration file (like gatehouse reload);",
        "SIGUSR2 restarts the node without refusing a connection (like gatehouse",
        "restart); SIGTERM or SIGINT drains in-flight requests, then exits."})
final class RunCommand implements Callable<Integer> {

    private static volatile boolean serving;

    @Mixin
    ConfigArgs config;

    @Spec
    CommandSpec spec;

    /** Whether a node was started and keeps the process alive after the command returns. */
    static boolean serving() {
        return serving;
    }

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        java.io.StringWriter errors = new java.io.StringWriter();
        GatehouseConfig c = config.load(new java.io.PrintWriter(errors));
        if (c == null) {
            err.print(errors);
            err.flush();
            // A process started by a restart: the old one keeps serving and logs this.
            Node.takeoverFailed(errors.toString().strip());
            return Main.EXIT_CONFIG;
        }
        if (c.fleet() != null) {
            return runInFleet(c, err);
        }
        Path state = statePath(config.file, c.admin());
        String unusable = unusableStateDirectory(state);
        if (unusable != null) {
            err.println("gatehouse: " + unusable);
            err.flush();
            Node.takeoverFailed(unusable);
            return Main.EXIT_CONFIG;
        }
        return Node.run(c, new FileStateStore(state), config.file, err, null) ? markServing() : Node.failureExitCode();
    }

    /**
     * A node of a fleet keeps its runtime state in the fleet's etcd, not in a file: it starts from
     * the state etcd holds (a linearizable read) and then follows every change another node
     * commits. A fleet that cannot be reached is a start-up failure with etcd's error.
     */
    private Integer runInFleet(GatehouseConfig c, java.io.PrintWriter err) {
        FleetMember fleet;
        try {
            fleet = FleetMember.connect(c.fleet(), System.getenv());
        } catch (java.io.IOException e) {
            err.println("gatehouse: " + e.getMessage());
            err.flush();
            Node.takeoverFailed(e.getMessage());
            return Main.EXIT_CONFIG;
        }
        // At a stop the node stops following first (no state swaps while it drains), then drains,
        // its deploys ending their fleet cutovers through the still open client, and only then
        // leaves the fleet: its heartbeat stays visible while it may serve.
        boolean ok = Node.run(c, fleet.store(), config.file, err, fleet,
                server -> {
                    fleet.follow((state, revision, newer, adopted) ->
                            server.control().adopt("fleet revision " + revision, state, newer, adopted),
                            // From the snapshot in force: the control plane's lock may be held through a strict hold.
                            () -> server.snapshots().current().runtime());
                    server.joinFleet(fleet, fleet);
                    if (c.fleet().isAgent()) {
                        // Only now: an agent starts what the fleet's state asks for, so it must follow it first.
                        fleet.reportApps(server.runAsAgent());
                    }
                }, fleet::stopFollowing);
        if (!ok) {
            fleet.close();
            return Node.failureExitCode();
        }
        return markServing();
    }

    /**
     * Where a node started from {@code configFile} keeps its runtime state: {@code admin.state_file}
     * (a relative path, like every path in the config, is taken from the working directory), else
     * {@code <config file>.state.json} next to the config file.
     */
    static Path statePath(Path configFile, AdminConfig admin) {
        if (admin.stateFile() != null) {
            return Path.of(admin.stateFile()).toAbsolutePath().normalize();
        }
        Path file = configFile.toAbsolutePath().normalize();
        return file.resolveSibling(file.getFileName() + ".state.json");
    }

    /**
     * Why runtime changes could not be saved next to {@code state}, or null when they can: a node
     * must not accept changes it would fail to keep.
     */
    static String unusableStateDirectory(Path state) {
        Path dir = state.getParent();
        if (Files.isDirectory(dir) && Files.isWritable(dir)) {
            return null;
        }
        return "state file " + state + ": the directory " + dir
                + (Files.isDirectory(dir) ? " is not writable" : " does not exist")
                + " (expected: a writable directory; admin.state_file puts the state file elsewhere)";
    }

    static int markServing() {
        serving = true;
        return 0;
    }
}
