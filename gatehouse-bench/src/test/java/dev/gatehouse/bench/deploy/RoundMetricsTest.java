package dev.gatehouse.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RoundMetricsTest {

    /** The command at t = 10 s, in epoch microseconds. */
    private static final long CMD = 10_000_000L;

    private static RoundMetrics.Request ok(String id, long startMs, long endMs, String backend) {
        return new RoundMetrics.Request(id, startMs * 1000, endMs * 1000, true, "", backend, true);
    }

    private static List<VersionSwitch.Event> command(long endMs, String detail) {
        return List.of(new VersionSwitch.Event(CMD, VersionSwitch.COMMAND_START, "x"),
                new VersionSwitch.Event(endMs * 1000, VersionSwitch.COMMAND_END, detail));
    }

    @Test
    void compute_cleanSwitch_noViolationsAndTimesFromTheCommand() {
        List<RoundMetrics.Request> requests = List.of(
                ok("a", 9_990, 10_005, "v1-0"),
                ok("b", 10_100, 10_112, "v1-1"),
                ok("c", 10_120, 10_140, "v2-0"),
                ok("d", 10_130, 10_150, "v2-3"));
        Map<String, RoundMetrics.BackendRequest> backend = Map.of(
                "a", new RoundMetrics.BackendRequest("v1-0", 9_991, 10_004),
                "b", new RoundMetrics.BackendRequest("v1-1", 10_101, 10_111),
                "c", new RoundMetrics.BackendRequest("v2-0", 10_121, 10_139),
                "d", new RoundMetrics.BackendRequest("v2-3", 10_131, 10_149));

        RoundMetrics m = RoundMetrics.compute(requests, backend, null, command(10_200, "exit 0"), "v1", "v2");

        assertThat(m.requests()).isEqualTo(4);
        assertThat(m.failed()).isZero();
        assertThat(m.lateV1()).isZero();
        assertThat(m.v1StartedAfter()).isZero();
        assertThat(m.overlap()).isZero();
        assertThat(m.notInBackendLogs()).isZero();
        assertThat(m.firstV2Ms()).isEqualTo(140.0);
        assertThat(m.allNewMs()).isEqualTo(112.0);
        assertThat(m.lastV1SentMs()).isEqualTo(100.0);
        assertThat(m.commandMs()).isEqualTo(200.0);
        assertThat(m.commandEnd()).isEqualTo("exit 0");
        assertThat(m.held()).isEqualTo(-1);
        assertThat(m.switchMs()).isNaN();
        assertThat(m.switched()).isTrue();
    }

    @Test
    void compute_mixedVersions_countsLateResponsesLaterStartsAndOverlap() {
        List<RoundMetrics.Request> requests = List.of(
                ok("a", 10_000, 10_030, "v2-0"),
                ok("b", 10_001, 10_040, "v1-0"),    // received after the first v2 response: late
                ok("c", 10_010, 10_020, "v1-1"),    // started at a v1 backend after the first v2 start
                ok("d", 10_050, 10_060, "v2-1"));
        Map<String, RoundMetrics.BackendRequest> backend = Map.of(
                "a", new RoundMetrics.BackendRequest("v2-0", 10_002, 10_029),
                "b", new RoundMetrics.BackendRequest("v1-0", 10_002, 10_039),   // same ms: not later, but still running
                "c", new RoundMetrics.BackendRequest("v1-1", 10_011, 10_019),
                "d", new RoundMetrics.BackendRequest("v2-1", 10_051, 10_059));

        RoundMetrics m = RoundMetrics.compute(requests, backend, null, command(10_001, "exit 0"), "v1", "v2");

        assertThat(m.lateV1()).isEqualTo(1);
        assertThat(m.v1StartedAfter()).isEqualTo(1);
        assertThat(m.overlap()).isEqualTo(1);
        assertThat(m.allNewMs()).isEqualTo(40.0);
        assertThat(m.firstV2Ms()).isEqualTo(30.0);
    }

    @Test
    void compute_failures_byCauseAndReusedConnection() {
        List<RoundMetrics.Request> requests = List.of(
                ok("a", 9_000, 9_010, "v1-0"),
                new RoundMetrics.Request("b", 10_010_000, 10_011_000, false, "closed before response", "", true),
                new RoundMetrics.Request("c", 10_020_000, 10_021_000, false, "connect failed", "", false),
                new RoundMetrics.Request("d", 10_030_000, 10_031_000, false, "http 502", "", true));

        RoundMetrics m = RoundMetrics.compute(requests, Map.of("a", new RoundMetrics.BackendRequest("v1-0", 9_001, 9_009)),
                null, command(10_100, "exit 0"), "v1", "v2");

        assertThat(m.failed()).isEqualTo(3);
        assertThat(m.failedOnReused()).isEqualTo(2);
        assertThat(m.causes()).containsOnly(
                Map.entry("closed before response (on a reused connection)", 1),
                Map.entry("connect failed", 1),
                Map.entry("http 502 (on a reused connection)", 1));
        assertThat(m.switched()).isFalse();
        assertThat(m.allNewMs()).isNaN();
        assertThat(m.v1StartedAfter()).isZero();
    }

    @Test
    void compute_withoutBackendLogs_backendCountsUnknown() {
        RoundMetrics m = RoundMetrics.compute(List.of(ok("a", 10_000, 10_010, "v2-0")), null, null,
                command(10_020, "exit 0"), "v1", "v2");

        assertThat(m.v1StartedAfter()).isEqualTo(-1);
        assertThat(m.overlap()).isEqualTo(-1);
        assertThat(m.notInBackendLogs()).isEqualTo(-1);
    }

    @Test
    void compute_accessLog_heldRequestsAndTheLongestWaitAtTheSwitch() {
        List<RoundMetrics.AccessLine> access = new ArrayList<>();
        access.add(new RoundMetrics.AccessLine("a", 10_000, "v1", 0, 12.0, 11.8));
        access.add(new RoundMetrics.AccessLine("b", 10_500, "v2", 0, 30.0, 12.0));   // held 18 ms
        access.add(new RoundMetrics.AccessLine("c", 10_505, "v2", 0, 25.0, 12.0));   // held 13 ms
        access.add(new RoundMetrics.AccessLine("d", 10_520, "v2", 1, 12.3, 12.0));
        access.add(new RoundMetrics.AccessLine("e", 12_000, "v2", 1, 60.0, 10.0));   // later than a second: not the switch
        access.add(new RoundMetrics.AccessLine("f", 12_010, null, 1, 1.0, Double.NaN));

        RoundMetrics m = RoundMetrics.compute(List.of(ok("a", 10_000, 10_012, "v1-0")), null, access,
                command(11_000, "done: v2 live"), "v1", "v2");

        assertThat(m.held()).isEqualTo(2);
        assertThat(m.switchMs()).isCloseTo(18.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.waitP99Ms()).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void accessFigures_oneNodesLog_itsSwitchHeldAndFirstNewArrival() {
        List<RoundMetrics.AccessLine> access = List.of(
                new RoundMetrics.AccessLine("a", 10_000, "v1", 0, 12.0, 11.8),
                new RoundMetrics.AccessLine("b", 10_600, "v2", 0, 40.0, 12.0),   // held 28 ms
                new RoundMetrics.AccessLine("c", 10_610, "v2", 1, 12.2, 12.0));

        RoundMetrics.AccessFigures f = RoundMetrics.AccessFigures.of(access, "v2");

        assertThat(f.held()).isEqualTo(1);
        assertThat(f.switchMs()).isCloseTo(28.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f.firstNewArrivalMs()).isEqualTo(10_600);
    }

    @Test
    void accessFigures_noNewVersion_unknownSwitchAndHeld() {
        RoundMetrics.AccessFigures f = RoundMetrics.AccessFigures.of(
                List.of(new RoundMetrics.AccessLine("a", 10_000, "v1", 0, 12.0, 11.0)), "v2");

        assertThat(f.switchMs()).isNaN();
        assertThat(f.held()).isEqualTo(-1);
        assertThat(f.firstNewArrivalMs()).isEqualTo(-1);
        assertThat(f.waitP99Ms()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void compute_aFleetsLogsMerged_heldOnEveryNodeAndTheLongestWaitOfAny() {
        // Three nodes' lines together: each held some requests at the old epoch; n3's waited longest.
        List<RoundMetrics.AccessLine> access = List.of(
                new RoundMetrics.AccessLine("n1-a", 10_000, "v1", 4, 12.0, 11.8),
                new RoundMetrics.AccessLine("n1-b", 10_500, "v2", 4, 30.0, 12.0),
                new RoundMetrics.AccessLine("n2-a", 10_502, "v2", 4, 25.0, 12.0),
                new RoundMetrics.AccessLine("n2-b", 10_530, "v2", 5, 12.1, 12.0),
                new RoundMetrics.AccessLine("n3-a", 10_504, "v2", 4, 52.0, 12.0),
                new RoundMetrics.AccessLine("n3-b", 10_540, "v2", 5, 12.4, 12.0));

        RoundMetrics m = RoundMetrics.compute(List.of(ok("n1-a", 10_000, 10_012, "v1-0")), null, access,
                command(11_000, "done: v2 live"), "v1", "v2");

        assertThat(m.held()).isEqualTo(3);
        assertThat(m.switchMs()).isCloseTo(40.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void compute_accessLogWithoutAnEpochChange_heldUnknown() {
        List<RoundMetrics.AccessLine> access = List.of(
                new RoundMetrics.AccessLine("a", 10_000, "v1", 0, 12.0, 11.8),
                new RoundMetrics.AccessLine("b", 10_500, "v2", 0, 12.5, 12.0));

        RoundMetrics m = RoundMetrics.compute(List.of(ok("a", 10_000, 10_012, "v1-0")), null, access,
                command(11_000, "exit 0"), "v1", "v2");

        assertThat(m.held()).isEqualTo(-1);
        assertThat(m.switchMs()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void compute_deployPhases_gateAndHoldingSeen() {
        List<VersionSwitch.Event> events = List.of(
                new VersionSwitch.Event(CMD, VersionSwitch.COMMAND_START, "POST"),
                new VersionSwitch.Event(CMD + 1_000, ApiDeploySwitch.PHASE, "phase=gating epoch=0 switched=false detail=healthy 0 of 4"),
                new VersionSwitch.Event(CMD + 900_000, ApiDeploySwitch.PHASE, "phase=holding epoch=0 switched=false detail=2 requests of v1 in flight"),
                new VersionSwitch.Event(CMD + 912_000, ApiDeploySwitch.PHASE, "phase=draining epoch=1 switched=true detail=0 requests of v1 in flight"),
                new VersionSwitch.Event(CMD + 950_000, ApiDeploySwitch.PHASE, "phase=done epoch=1 switched=true detail=v2 live, v1 retired"),
                new VersionSwitch.Event(CMD + 950_000, VersionSwitch.COMMAND_END, "done: v2 live, v1 retired"));

        RoundMetrics m = RoundMetrics.compute(List.of(), null, null, events, "v1", "v2");

        assertThat(m.gatePassedMs()).isEqualTo(900.0);
        assertThat(m.holdingSeenMs()).isEqualTo(12.0);
        assertThat(m.commandMs()).isEqualTo(950.0);
        assertThat(m.commandEnd()).startsWith("done");
    }

    @Test
    void readBackendLogs_keepsIdsWithTheProcessAndTimes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("v2-1.log"), """
                listening on 127.0.0.1:10001
                recv 1000 1 - GET /status/200
                done 1001 1 - 200
                recv 1002 2 gatehouse-strict-r1-7 GET /delay/5
                done 1008 2 gatehouse-strict-r1-7 200
                recv 1010 2 gatehouse-strict-r1-9 GET /delay/5
                drop 1011 2 gatehouse-strict-r1-9
                """);

        Map<String, RoundMetrics.BackendRequest> m = new HashMap<>(RunFiles.readBackendLogs(dir));

        assertThat(m).containsOnlyKeys("gatehouse-strict-r1-7", "gatehouse-strict-r1-9");
        assertThat(m.get("gatehouse-strict-r1-7")).isEqualTo(new RoundMetrics.BackendRequest("v2-1", 1002, 1008));
        assertThat(m.get("gatehouse-strict-r1-9")).isEqualTo(new RoundMetrics.BackendRequest("v2-1", 1010, -1));
    }
}
