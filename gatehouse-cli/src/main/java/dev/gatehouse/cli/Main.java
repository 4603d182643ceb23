package dev.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gatehouse} executable. Exit codes: 0 ok, 1 runtime failure, 2 bad configuration or usage. */
@Command(name = "gatehouse",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A reverse proxy and load balancer for scaled-out web apps.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit code for a configuration or usage error. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code for a failure while running (e.g. a port already in use). */
    public static final int EXIT_FAILURE = 1;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        int code = commandLine().execute(args);
        if (code != 0 || !RunCommand.serving()) {
            System.exit(code);
        }
    }

    /** The picocli command line, for tests. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(e -> EXIT_FAILURE);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("gatehouse: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return EXIT_CONFIG;
        });
        return cl;
    }
}
