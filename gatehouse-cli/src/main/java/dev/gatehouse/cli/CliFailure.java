package dev.gatehouse.cli;

/**
 * Ends a command with a message for standard error and an exit code ({@link Main}'s list). Thrown
 * by the admin API commands; {@link Main#commandLine()} prints it as {@code gatehouse: message}.
 */
final class CliFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    /** The process exit code. */
    int exitCode() {
        return exitCode;
    }
}
