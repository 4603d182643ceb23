package dev.gatehouse.testing.postgres;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * A JVM that starts a cluster and never closes it, for {@link PostgresClusterIT}'s crash tests.
 * Prints {@code started PID DIR} (the postmaster's pid, the cluster's directory), then waits for a
 * line on stdin: {@code exit} ends the JVM with System.exit (the shutdown hooks run); otherwise the
 * test kills it.
 */
final class ClusterInAnotherJvm {

    private ClusterInAnotherJvm() {
    }

    public static void main(String[] args) throws Exception {
        PostgresCluster pg = PostgresCluster.builder().start();
        String pid = Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0);
        System.out.println("started " + pid + " " + pg.dataDirectory().getParent());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if ("exit".equals(in.readLine())) {
            System.exit(3);
        }
        in.readLine();
    }
}
