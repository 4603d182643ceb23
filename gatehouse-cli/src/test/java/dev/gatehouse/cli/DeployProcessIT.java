package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.StubBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deploy with the CLI, as a user types it, to a node process under continuous load: no request
 * fails, the command prints each step and exits 0, and every request sent after it returned goes to
 * the new version. Then a rollback, refused while the old version is retired and made once its
 * backend is back.
 */
final class DeployProcessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final InProcessCli cli = new InProcessCli();

    @Test
    void strictDeployThroughTheCli_underContinuousLoad_failsNothing_thenRollback() throws Exception {
        try (StubBackend a1 = StubBackend.start("a1"); StubBackend a2 = StubBackend.start("a2");
             StubBackend b1 = StubBackend.start("b1"); StubBackend b2 = StubBackend.start("b2")) {
            Path config = Files.writeString(dir.resolve("gatehouse.yaml"), """
                    listeners:
                      - bind: 127.0.0.1:0
                        routes:
                          - { path_prefix: /, pool: web }
                    admin:
                      bind: 127.0.0.1:0
                    pools:
                      web:
                        strategy: round-robin
                        slow_start: false
                        backends:
                          - { address: "%s", version: v1 }
                          - { address: "%s", version: v1 }
                    access_log: { enabled: false }
                    """.formatted(a1.address(), a2.address()));
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config", config.toString())) {
                int port = node.awaitPort();
                // The node picks its admin port: one picked here and freed could be taken meanwhile.
                String admin = "http://127.0.0.1:" + node.awaitAdminPort();
                await().atMost(WAIT).until(() -> cli.run("status", "--admin", admin) == 0);

                try (ContinuousLoad load = ContinuousLoad.start(port, 4, "/x")) {
                    load.awaitCompleted(200, WAIT);
                    cli.clear();
                    long start = System.nanoTime();

                    int code = cli.run("deploy", "--admin", admin, "--pool", "web", "--version", "v2", "--strict",
                            "--backend", b1.address(), "--backend", b2.address(), "--timeout", "20s");

                    long returned = System.nanoTime();
                    assertThat(code).as(cli.printed()).isZero();
                    assertThat(Duration.ofNanos(returned - start)).isLessThan(Duration.ofSeconds(5));
                    String printed = cli.out();
                    assertThat(printed.lines()).first().asString().matches("0\\.\\ds  gating: healthy \\d of 2");
                    assertThat(printed).containsPattern("\\d+\\.\\ds  switched: v2 live at epoch 1")
                            .containsPattern("\\d+\\.\\ds  done: v2 live, v1 retired");
                    load.awaitCompleted(load.completed() + 200, WAIT);

                    assertThat(load.stop()).isEmpty();
                    assertThat(load.sentAfter(returned)).isNotEmpty().extracting(ContinuousLoad.Sample::backend)
                            .containsOnly("b1", "b2");
                }

                // The old version is retired: nothing to go back to until its backend is back.
                assertThat(cli.run("rollback", "--admin", admin, "--pool", "web")).isEqualTo(5);
                assertThat(cli.err()).contains("rejected (409): v1, the previous version of pool web");
                assertThat(cli.run("backend", "add", "--admin", admin, "--pool", "web", "--address", a1.address(),
                        "--version", "v1")).isZero();
                cli.clear();
                assertThat(cli.run("rollback", "--admin", admin, "--pool", "web", "--strict")).as(cli.err()).isZero();
                assertThat(cli.out().strip()).isEqualTo("web: v1 live again at epoch 2");
                try (ContinuousLoad after = ContinuousLoad.start(port, 2, "/x")) {
                    after.awaitCompleted(50, WAIT);
                    assertThat(after.stop()).isEmpty();
                    assertThat(after.samples()).extracting(ContinuousLoad.Sample::backend).containsOnly("a1");
                }
            }
        }
    }
}
