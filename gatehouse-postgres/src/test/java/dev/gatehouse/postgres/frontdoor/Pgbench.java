package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.testing.postgres.PostgresInstallation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the installation's pgbench (the one beside the test cluster's server) against
 * 127.0.0.1, without TLS, as a role logging in with a password.
 */
final class Pgbench {

    private Pgbench() {
    }

    /**
     * Starts pgbench; stdout and stderr (its {@code -P} progress lines) go together to {@code log},
     * or to the process's input stream when {@code log} is null.
     *
     * @param port where the front door or the server listens on 127.0.0.1
     * @param args pgbench's arguments after the connection options, the database last
     * @return the running process; the caller waits for it and destroys it when it overruns
     */
    static Process start(int port, String user, String password, List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PostgresInstallation.bin().resolve("pgbench").toString(),
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", user));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", password);
        pb.environment().put("PGSSLMODE", "disable");
        pb.environment().put("PGGSSENCMODE", "disable");
        if (log != null) {
            pb.redirectOutput(log.toFile());
        }
        return pb.start();
    }
}
