package dev.gatehouse.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Runs {@code gatehouse} commands in the test's JVM, as a user would type them, keeping what they
 * print: the process tests drive a node through its admin API this way.
 */
final class InProcessCli {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs one command; returns its exit code. */
    int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** What the commands printed to standard output since the last {@link #clear()}. */
    String out() {
        return out.toString();
    }

    /** What they printed to standard error. */
    String err() {
        return err.toString();
    }

    /** Both, for an assertion's message. */
    String printed() {
        return out + (err.getBuffer().isEmpty() ? "" : "\n" + err);
    }

    /** Forgets what was printed. */
    void clear() {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
    }
}
