package dev.gatehouse.bench.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The naive switch: runs a shell script that rewrites the proxy's config to the v2 backends and
 * reloads it ({@code nginx -s reload}, HAProxy's master-worker reload), and records when it
 * started and when it exited. The script is written by deploy-bench.sh into the results
 * directory, so what was run is on record; its output goes to a log file next to it.
 */
final class CommandSwitch extends VersionSwitch {

    private final Path script;
    private final Path log;
    private final long timeoutSeconds;

    /**
     * @param script         run with {@code /bin/sh}
     * @param log            its standard output and error
     * @param timeoutSeconds how long it may take before it is killed and the switch counts as failed
     */
    CommandSwitch(Path script, Path log, long timeoutSeconds) {
        this.script = script;
        this.log = log;
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    void run() throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", script.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p;
        record(COMMAND_START, "sh " + script);
        try {
            p = pb.start();
        } catch (IOException e) {
            record(COMMAND_END, "failed to start: " + e.getMessage());
            return;
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            record(COMMAND_END, "timeout after " + timeoutSeconds + " s (killed)");
            return;
        }
        record(COMMAND_END, "exit " + p.exitValue());
    }
}
