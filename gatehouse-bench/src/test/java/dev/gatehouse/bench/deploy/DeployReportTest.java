package dev.gatehouse.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class DeployReportTest {

    /** The command at t = 10 s, in epoch microseconds. */
    private static final long CMD = 10_000_000L;

    private static final List<String> ORDER = List.of("gatehouse-fast", "gatehouse-fleet-fast", "gatehouse-strict",
            "gatehouse-fleet-strict", "nginx-reload", "haproxy-reload");

    /** A round of {@code config} whose client saw one v1 and one v2 answer, the command at 10 s. */
    private static Path round(Path dir, String config) throws Exception {
        Path r = Files.createDirectories(dir.resolve("runs").resolve(config + "-r1"));
        Files.writeString(r.resolve("run.tsv"), "config\t" + config + "\nround\t1\n");
        Files.writeString(r.resolve("requests.tsv"), DeployRun.REQUESTS_HEADER + "\n"
                + "a\t0\t5\t9990000\t10005000\tok\t200\t\tv1-0\ttrue\n"
                + "b\t1\t5\t10400000\t10420000\tok\t200\t\tv2-0\ttrue\n");
        Files.writeString(r.resolve("switch.tsv"), DeployRun.EVENTS_HEADER + "\n"
                + CMD + "\tcommand-start\tPOST\n"
                + (CMD + 500_000) + "\tcommand-end\tdone: v2 live, v1 retired\n");
        return r;
    }

    /** One access log line: arrival at {@code ms} epoch milliseconds. */
    private static String line(String id, long ms, String version, int epoch, double duration, double upstream) {
        return "{\"time\":\"" + Instant.ofEpochMilli(ms) + "\",\"request_id\":\"" + id + "\",\"version\":\"" + version
                + "\",\"epoch\":" + epoch + ",\"duration_ms\":" + duration + ",\"upstream_ms\":" + upstream + "}\n";
    }

    private static String print(List<DeployReport.Round> rounds) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DeployReport.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), rounds, ORDER, "v2");
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void read_aFleetRound_mergesItsNodesLogsAndKeepsEachNodesFigures(@TempDir Path dir) throws Exception {
        Path r = round(dir, "gatehouse-fleet-strict");
        Files.writeString(r.resolve("access-n1.log"), "a log line that is not JSON\n"
                + line("a", 9_990, "v1", 0, 12.0, 11.0) + line("n1", 10_400, "v2", 0, 30.0, 10.0)
                + line("n1-next", 10_420, "v2", 1, 10.2, 10.0));
        Files.writeString(r.resolve("access-n2.log"), line("n2", 10_402, "v2", 0, 45.0, 10.0)
                + line("n2-next", 10_425, "v2", 1, 10.2, 10.0));
        Files.writeString(r.resolve("access-n3.log"), line("n3", 10_410, "v2", 1, 10.5, 10.0));

        List<DeployReport.Round> rounds = DeployReport.read(dir, "v1", "v2");

        assertThat(rounds).hasSize(1);
        DeployReport.Round round = rounds.getFirst();
        assertThat(round.nodeCount()).isEqualTo(3);
        assertThat(round.nodes()).containsOnlyKeys("n1", "n2", "n3");
        assertThat(round.nodes().get("n1").held()).isEqualTo(1);
        assertThat(round.nodes().get("n3").held()).isEqualTo(-1);   // no change of epoch in n3's own log
        assertThat(round.metrics().held()).isEqualTo(2);
        assertThat(round.metrics().switchMs()).isEqualTo(35.0);
        assertThat(FleetComparison.nodesLine(round.nodes()))
                .isEqualTo("nodes n1/n2/n3: switch 20/35/0.5 ms, held 1/1/-, first v2 +0/+2/+10 ms");
    }

    @Test
    void read_oneNodesRound_hasNoNodeFigures(@TempDir Path dir) throws Exception {
        Path r = round(dir, "gatehouse-strict");
        Files.writeString(r.resolve("access.log"), line("a", 9_990, "v1", 0, 12.0, 11.0)
                + line("b", 10_400, "v2", 0, 30.0, 10.0) + line("c", 10_401, "v2", 1, 10.2, 10.0));

        DeployReport.Round round = DeployReport.read(dir, "v1", "v2").getFirst();

        assertThat(round.nodes()).isEmpty();
        assertThat(round.nodeCount()).isEqualTo(1);
        assertThat(round.metrics().held()).isEqualTo(1);
        assertThat(round.metrics().switchMs()).isEqualTo(20.0);
    }

    @Test
    void print_oneNodeConfigsOnly_keepTheirLayoutAndPrintNoFleetLines(@TempDir Path dir) throws Exception {
        Files.writeString(round(dir, "gatehouse-strict").resolve("access.log"), line("b", 10_400, "v2", 0, 30.0, 10.0));
        round(dir, "nginx-reload");

        String out = print(DeployReport.read(dir, "v1", "v2"));

        assertThat(out).contains("\nconfig            rounds requests ")
                .contains("\ngatehouse-strict       1        2 ")
                .contains("\n  nginx-reload      r1: ")
                .doesNotContain("fleet");
    }

    @Test
    void print_aFleetBesideOneNode_widensTheNameColumnAndComparesThem(@TempDir Path dir) throws Exception {
        Files.writeString(round(dir, "gatehouse-strict").resolve("access.log"), line("a", 9_990, "v1", 0, 12.0, 11.0)
                + line("b", 10_400, "v2", 0, 30.0, 10.0) + line("c", 10_430, "v2", 1, 10.1, 10.0));
        Path fleet = round(dir, "gatehouse-fleet-strict");
        Files.writeString(fleet.resolve("access-n1.log"),
                line("a", 9_990, "v1", 0, 12.0, 11.0) + line("b", 10_400, "v2", 0, 30.0, 10.0));
        Files.writeString(fleet.resolve("access-n2.log"), line("c", 10_430, "v2", 1, 10.1, 10.0));

        String out = print(DeployReport.read(dir, "v1", "v2"));

        assertThat(out).contains("\nconfig                 rounds requests ")
                .contains("\nthe same targets for gatehouse-fleet-strict (2 nodes), every round:\n")
                .contains("acceptance (the scenario on a fleet beside one node")
                .containsPattern("\n  strict gatehouse-strict +1 .* 20 +1 +-\n")
                .containsPattern("\n  strict gatehouse-fleet-strict +2 .* 20 +1 +30\n");
    }
}
