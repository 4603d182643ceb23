package dev.gatehouse.server.supervisor;

/** Says how a process ended, for log lines: {@code exit code 1}, {@code exit code 137 (SIGKILL)}. */
final class ExitCodes {

    private static final String[] SIGNALS = {null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
            "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"};

    private ExitCodes() {
    }

    /** The exit code, and the signal when it stands for one (the JDK reports a death by signal n as 128 + n). */
    static String describe(int code) {
        int signal = code - 128;
        if (signal > 0 && signal < SIGNALS.length) {
            return "exit code " + code + " (" + SIGNALS[signal] + ")";
        }
        if (signal > 0 && signal < 65) {
            return "exit code " + code + " (signal " + signal + ")";
        }
        return "exit code " + code;
    }
}
