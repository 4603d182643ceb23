package dev.gatehouse.server.supervisor;

import dev.gatehouse.core.config.AppConfig;
import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Spawns one instance's process: the app's command with the placeholders filled in, run without a
 * shell in the app's working directory, with the node's environment plus the app's {@code env},
 * both output streams appended to the instance's log file, and standard input closed.
 */
final class ProcessLauncher {

    /**
     * Spawns the process.
     *
     * @throws IOException when it cannot be spawned: the program or the working directory missing,
     *                     not executable, the log file not writable
     */
    Process launch(AppConfig app, String version, int instance, int port, InstanceLog log) throws IOException {
        List<String> command = app.command().render(port, version, instance);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.redirect());
        if (app.workdir() != null) {
            // Relative to the node's working directory; a relative program ("./serve") is then taken
            // from here, as after a cd.
            builder.directory(new File(app.workdir()));
        }
        builder.environment().putAll(app.environment(port, version, instance));
        Process process = builder.start();
        // An app that reads standard input gets end-of-file rather than waiting forever.
        process.getOutputStream().close();
        return process;
    }

    /** The command as a log line shows it: words with spaces or quotes in double quotes. */
    static String show(List<String> command) {
        StringBuilder b = new StringBuilder();
        for (String word : command) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            if (word.isEmpty() || word.chars().anyMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '\\' || c < 0x20)) {
                b.append('"').append(word.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else {
                b.append(word);
            }
        }
        return b.toString();
    }
}
