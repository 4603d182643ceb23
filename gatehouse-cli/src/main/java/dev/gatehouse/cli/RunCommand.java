package dev.gatehouse.cli;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.server.GatehouseServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse run --config FILE}: runs a node until SIGTERM or SIGINT, then drains. */
@Command(name = "run", description = "Run a Gatehouse node from a configuration file.")
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
        GatehouseConfig c = config.load(spec.commandLine().getErr());
        if (c == null) {
            return Main.EXIT_CONFIG;
        }
        return Node.run(c, spec.commandLine().getErr(), null) ? markServing() : Main.EXIT_FAILURE;
    }

    static int markServing() {
        serving = true;
        return 0;
    }
}
