package dev.gatehouse.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.bench.chaos.ChaosMonkey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report on made-up runs: the verdicts against the limits, the failures by cause, the restart windows. */
final class SoakReportTest {

    @TempDir
    Path dir;

    private static final List<SoakReport.Metric> METRICS = List.of(
            new SoakReport.Metric("rss_mib", "RSS", "MiB", new SoakReport.Limit(1, true)),
            new SoakReport.Metric("lag_mean_ms", "event-loop lag, mean", "ms", new SoakReport.Limit(0.5, false)),
            new SoakReport.Metric("fds_other", "descriptors besides connections", "", new SoakReport.Limit(0.5, false)),
            new SoakReport.Metric("tunnels", "open tunnels", "", null));

    /** A 10-minute run sampled every 5 s: RSS 400 MiB + rssPerMinute, lag 1 ms + lagPerMinute. */
    private void run(double rssPerMinute, double lagPerMinute) throws IOException {
        run(rssPerMinute, lagPerMinute, 0, 0);
    }

    /**
     * The same with the lag wobbling by lagNoise up and down every other sample, and descriptors
     * leaking by fdsPerMinute beside connections that come and go (100 fds = 20 + 50 + 14 + 16).
     */
    private void run(double rssPerMinute, double lagPerMinute, double lagNoise, double fdsPerMinute) throws IOException {
        Files.writeString(dir.resolve("run.tsv"), "start_micros\t0\nduration_s\t600\nwarmup_s\t60\nrate\t200\n"
                + "ws_sessions\t16\nhttp_backends\t3\nws_backends\t2\nrestart_every\t20-40 s\nterm_share\t0.5\nseed\t7\n"
                + "skipped_slots\t0\nkills\t9\nterms\t10\nrestarts\t19\n");
        List<String> rows = new ArrayList<>(List.of("t_s,rss_mib,lag_mean_ms,tunnels,fds,client_conns,upstream_conns"));
        for (int i = 0; i <= 120; i++) {
            double t = 5 * i;
            // The warm-up climbs steeply; it must not count.
            double rss = t < 60 ? 100 + 5 * t : 400 + rssPerMinute * t / 60;
            double lag = 1 + lagPerMinute * t / 60 + (i % 2 == 0 ? lagNoise : -lagNoise);
            int upstream = 50 + (i % 7) * 3;
            double fds = 20 + 14 + 16 + upstream + Math.floor(fdsPerMinute * t / 60);
            rows.add(t + "," + rss + "," + (i == 0 ? "" : Double.toString(lag)) + ",16," + fds + ",14," + upstream);
        }
        Files.write(dir.resolve("samples.csv"), rows);
        Files.writeString(dir.resolve("totals.tsv"), SoakOutput.TOTALS_HEADER + "\n"
                + "GET\tok\t40000\t0\nPOST\tok\t29990\t0\nPOST\thttp 502\t10\t9\nws-session\tconnection closed without a Close frame\t4\t4\n");
    }

    @Test
    void aFlatRun_isFlat_andItsFailuresAreListedByCause() throws IOException {
        run(0, 0);
        SoakReport.Result r = SoakReport.report(dir, null, METRICS);
        assertThat(r.flat()).isTrue();
        assertThat(r.text())
                .contains("Window: 60 s to 600 s after the start (109 samples")
                .containsPattern("RSS\\s+MiB\\s+400\\s+400\\s+400\\s+400\\s+400\\s+\\+0\\s+0\\s+\\+0\\s+1 %/min\\s+flat")
                .contains("Exchanges: 70000 HTTP requests (116.7/s")
                .contains("Failures: 14, of which 13 came with a restart")
                .containsPattern("POST\\s+http 502\\s+10\\s+9")
                .contains("Restarts: 9 SIGKILL, 10 SIGTERM, 19 started again")
                .contains("Verdict: flat");
    }

    @Test
    void rssGrowingFasterThanItsLimit_isGrowth() throws IOException {
        // 6 MiB a minute on a mean of 433 MiB (400 + 6 x 5.5 minutes): 1.39 %/min.
        run(6, 0);
        SoakReport.Result r = SoakReport.report(dir, null, METRICS);
        assertThat(r.flat()).isFalse();
        assertThat(r.text()).contains("Verdict: GROWTH beyond the limits: RSS 1.39 %/min > 1 %/min");
    }

    @Test
    void lagHasAnAbsoluteLimit() throws IOException {
        run(0, 0.6);
        SoakReport.Result r = SoakReport.report(dir, null, METRICS);
        assertThat(r.flat()).isFalse();
        assertThat(r.text()).contains("event-loop lag, mean 0.600 ms/min > 0.5 ms/min");
        run(0, 0.4);
        assertThat(SoakReport.report(dir, null, METRICS).flat()).isTrue();
    }

    @Test
    void aSlopeAboveItsLimit_withinTwoStandardErrors_isNoise_notGrowth() throws IOException {
        run(0, 0.6, 20, 0);
        SoakReport.Result r = SoakReport.report(dir, null, METRICS);
        assertThat(r.text()).containsPattern("event-loop lag, mean\\s+ms.*\\+0.600.*0.5 ms/min\\s+noise");
        assertThat(r.flat()).isTrue();
    }

    @Test
    void descriptorsLeakingBesideConnections_grow_whileTheirCountFollowsTheConnections() throws IOException {
        run(0, 0, 0, 0);
        assertThat(SoakReport.report(dir, null, METRICS).text())
                .containsPattern("descriptors besides connections\\s+20\\s+20\\s+20\\s+20\\s+20\\s+\\+0");
        // One descriptor a minute: the total hides it among the pooled connections; the rest does not.
        run(0, 0, 0, 1);
        SoakReport.Result r = SoakReport.report(dir, null, METRICS);
        assertThat(r.flat()).isFalse();
        assertThat(r.text()).containsPattern("descriptors besides connections\\s+21\\s+30.*GROWS");
    }

    @Test
    void aLongerWarmUp_canBeAskedFor() throws IOException {
        run(0, 0);
        assertThat(SoakReport.report(dir, 300, METRICS).text()).contains("Window: 300 s to 600 s after the start (61 samples");
    }

    @Test
    void aFailure_comesWithARestart_ofItsOwnPool_withinTheWindow() {
        // Backends 0-2 serve HTTP, 3-4 WebSockets; a SIGKILL of backend 4 at 100 s.
        List<ChaosMonkey.Event> events = List.of(new ChaosMonkey.Event(100_000_000, "kill", 4, "b4.1", 42, ""),
                new ChaosMonkey.Event(101_000_000, "restart", 4, "b4.2", 43, ""));
        assertThat(SoakOutput.nearRestart(failure(100_500_000, "ws-session"), events, 3)).isTrue();
        assertThat(SoakOutput.nearRestart(failure(99_200_000, "ws-open"), events, 3)).isTrue();
        assertThat(SoakOutput.nearRestart(failure(98_000_000, "ws-open"), events, 3)).isFalse();
        assertThat(SoakOutput.nearRestart(failure(116_000_000, "ws-message"), events, 3)).isFalse();
        // An HTTP failure is not explained by a WebSocket backend's restart, nor by a restart event.
        assertThat(SoakOutput.nearRestart(failure(100_500_000, "POST"), events, 3)).isFalse();
        assertThat(SoakOutput.nearRestart(failure(101_500_000, "ws-open"),
                List.of(new ChaosMonkey.Event(101_000_000, "restart", 4, "b4.2", 43, "")), 3)).isFalse();
    }

    private static Tally.Failure failure(long micros, String kind) {
        return new Tally.Failure(micros, kind, "x", "");
    }
}
