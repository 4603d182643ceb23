package dev.gatehouse.cli;

import dev.gatehouse.server.restart.Successor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts this process again: the same executable and arguments (JVM options included, as the
 * kernel reports them), the same working directory and environment, the same standard streams.
 * A new jar at the same path is the new binary of a restart.
 */
final class SameCommandLine implements Successor {

    private final List<String> command;

    private SameCommandLine(List<String> command) {
        this.command = List.copyOf(command);
    }

    /** This process's command line, or null when the platform does not tell it. */
    static SameCommandLine current() {
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            return null;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(info.command().get());
        cmd.addAll(List.of(info.arguments().get()));
        return new SameCommandLine(cmd);
    }

    @Override
    public Process start(Map<String, String> environment) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().putAll(environment);
        return pb.start();
    }

    @Override
    public String toString() {
        return String.join(" ", command);
    }
}
