package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.ContinuousLoad;
import dev.gatehouse.testing.ContinuousLoad.Sample;
import dev.gatehouse.testing.RecordedRequest;
import dev.gatehouse.testing.StubBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control plane's acceptance test: a backend added, drained and removed with the CLI while
 * clients send continuously through a node process. No request fails, and nothing sent after the
 * drain command returned reaches the drained backend.
 */
final class RuntimeChangesProcessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final InProcessCli cli = new InProcessCli();

    @Test
    void addDrainRemoveThroughTheCli_underContinuousLoad_failsNothing() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             StubBackend c = StubBackend.start("c")) {
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
                        backends:
                          - { address: "%s" }
                          - { address: "%s" }
                    access_log: { enabled: false }
                    """.formatted(a.address(), b.address()));
            try (NodeProcess node = NodeProcess.start(dir, List.of(), "run", "--config", config.toString())) {
                int port = node.awaitPort();
                // The node picks its admin port: one picked here and freed could be taken meanwhile.
                String admin = "http://127.0.0.1:" + node.awaitAdminPort();
                await().atMost(WAIT).until(() -> cli.run("status", "--admin", admin) == 0);

                try (ContinuousLoad load = ContinuousLoad.start(port, 4, "/x")) {
                    load.awaitCompleted(200, WAIT);

                    assertThat(cli.run("backend", "add", "--admin", admin, "--pool", "web", "--address", c.address()))
                            .as(cli.printed()).isZero();
                    await().atMost(WAIT).until(() -> c.requests().size() >= 20);

                    assertThat(cli.run("backend", "drain", "--admin", admin, "--pool", "web", "--address", a.address()))
                            .as(cli.printed()).isZero();
                    long drainReturned = System.nanoTime();
                    load.awaitCompleted(load.completed() + 300, WAIT);

                    assertThat(cli.run("backend", "remove", "--admin", admin, "--pool", "web", "--address", a.address()))
                            .as(cli.printed()).isZero();
                    load.awaitCompleted(load.completed() + 200, WAIT);

                    assertThat(load.stop()).isEmpty();
                    // The drained backend got nothing that a client sent after the drain command returned.
                    Map<String, Long> sentAt = load.samples().stream().collect(Collectors.toMap(Sample::id, Sample::sentNanos));
                    for (RecordedRequest r : a.requests()) {
                        Long sent = sentAt.get(r.header("X-Request-Id"));
                        assertThat(sent).as("request %s", r.header("X-Request-Id")).isNotNull();
                        assertThat(sent).as("sent before the drain returned").isLessThan(drainReturned);
                    }
                }
                assertThat(b.requests()).isNotEmpty();
                // c joined a running pool: it ramps up (slow start), so its share is still small here.
                assertThat(c.requests().size()).isGreaterThanOrEqualTo(20);
                assertThat(cli.run("status", "--admin", admin)).isZero();
                assertThat(cli.printed()).contains(c.address());
            }
        }
    }
}
