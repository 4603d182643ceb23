package dev.gatehouse.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code gatehouse} executable. Exit codes: 0 ok, 1 failed operation (for {@code run}: the node
 * could not start; for {@code deploy}: it aborted), 2 bad configuration or usage, 3 node unreachable,
 * 4 authentication failed, 5 change rejected by the node.
 */
@Command(name = "gatehouse",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A reverse proxy and load balancer for scaled-out web apps.")
public final class Main {

    /**
     * The subcommands, in the order the help lists them. Added by {@link #commandLine}, not by the
     * annotation: picocli builds the model of every command it is given, by reflection, and that
     * was a third of a CLI call's start (measured: 180 of 450 ms); a call that names its command
     * gets that one's model only.
     */
    private static final List<Class<?>> COMMANDS = List.of(RunCommand.class, DemoCommand.class, ValidateCommand.class,
            StatusCommand.class, BackendCommand.class, ReloadCommand.class, RestartCommand.class, DeployCommand.class,
            RollbackCommand.class, CanaryCommand.class, CacheCommand.class, DbCommand.class, TrainCommand.class,
            TrainNodeCommand.class);

    /** Exit code for a failure while running (e.g. a port already in use) or a failed operation. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code for a configuration or usage error. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code when the node's admin API cannot be reached (refused, unresolvable, no answer). */
    public static final int EXIT_UNREACHABLE = 3;
    /** Exit code when the admin API refuses the token, or none was given (401, 403). */
    public static final int EXIT_AUTH = 4;
    /** Exit code when the node rejects a change (400, 404, 409); its message is printed. */
    public static final int EXIT_REJECTED = 5;

    /** The exit codes as the help lists them. */
    private static final Map<String, String> EXIT_CODES = exitCodes();

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        NettyDefaults.apply();
        AdminClient.closeAtExit();
        int code = commandLine(System::getenv, args.length == 0 ? null : args[0]).execute(args);
        if (code != 0 || !RunCommand.serving()) {
            AdminClient.closeAll();
            System.exit(code);
        }
    }

    /** The picocli command line, for tests. */
    static CommandLine commandLine() {
        return commandLine(System::getenv);
    }

    /**
     * The picocli command line, reading the admin API's address and token from {@code env}.
     *
     * @param env the environment ({@code GATEHOUSE_ADMIN}, {@code GATEHOUSE_TOKEN}, ...)
     */
    static CommandLine commandLine(Function<String, String> env) {
        return commandLine(env, null);
    }

    /**
     * The command line with only the subcommand {@code first} names, when it names one (and so
     * what the call runs); every subcommand otherwise (help, a typo, no argument).
     */
    static CommandLine commandLine(Function<String, String> env, String first) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == AdminArgs.class ? type.cast(new AdminArgs(env)) : defaults.create(type);
            }
        };
        CommandLine cl = new CommandLine(new Main(), factory);
        Class<?> only = first == null ? null : COMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(first)).findFirst().orElse(null);
        for (Class<?> c : only != null ? List.of(only) : COMMANDS) {
            cl.addSubcommand(c);
        }
        if (only == null) {
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        listExitCodes(cl);
        cl.setExitCodeExceptionMapper(e -> EXIT_FAILURE);
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("gatehouse: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return EXIT_CONFIG;
        });
        cl.setExecutionExceptionHandler((ex, command, parsed) -> {
            if (ex instanceof CliFailure failure) {
                command.getErr().println("gatehouse: " + failure.getMessage());
                command.getErr().flush();
                return failure.exitCode();
            }
            throw ex;
        });
        return cl;
    }

    private static void listExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
        cl.getSubcommands().values().forEach(Main::listExitCodes);
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "ok");
        codes.put("1", "the operation failed (run: the node could not start; deploy: aborted)");
        codes.put("2", "bad configuration or usage");
        codes.put("3", "the node's admin API cannot be reached");
        codes.put("4", "authentication failed (401: no token, or a wrong one)");
        codes.put("5", "the node rejected the change (400, 404, 409), with its message");
        return codes;
    }
}
