package dev.gatehouse.bench.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of one round of one configuration, computed from what the client, the backends, the
 * node's access log (a fleet's: every node's, merged) and the switch recorded (all times
 * wall-clock). "v1" and "v2" are the part of
 * a backend's name before its first {@code -} ({@code v2-3} is version v2).
 *
 * <ul>
 *   <li><b>failed</b>: requests that got no 200 with an {@code X-Backend}, by cause;</li>
 *   <li><b>late v1</b>: v1 responses the client received after it had received the first v2
 *       response (mixed versions as a user sees them);</li>
 *   <li><b>v1 started after</b> (backend logs): v1 requests a v1 backend received after a v2
 *       backend had received the first v2 request; <b>overlap</b>: v1 requests still running
 *       (answered later) when the first v2 request was received. Strict mode promises 0 for both;
 *       the logs have millisecond times, so only strictly later counts;</li>
 *   <li><b>first v2</b>, <b>all new</b>: the first v2 response and the last v1 response received,
 *       after the command; <b>last v1 sent</b>: every request sent after it got v2;</li>
 *   <li><b>command</b>: from the command to its end (the reload command exited; the deploy seen
 *       done);</li>
 *   <li>Gatehouse only, from its access log: <b>switch</b>, the longest time a request waited in
 *       the node before it went to a backend ({@code duration_ms - upstream_ms}) among the v2
 *       requests that arrived in the first second after the first one: the cost of the switch to
 *       a request, which in strict mode is the hold; <b>held</b>, requests that arrived at the old
 *       epoch and ran on v2 (held by a strict cutover); and from the deploy view, when the
 *       readiness gate was seen passed and how long the phase {@code holding} was seen.</li>
 * </ul>
 * Durations are in milliseconds, {@code NaN} when they do not apply; counts are -1 when they
 * cannot be told (no backend logs, no access log, no change of epoch in it).
 */
record RoundMetrics(
        int requests,
        int failed,
        Map<String, Integer> causes,
        int failedOnReused,
        int lateV1,
        int v1StartedAfter,
        int overlap,
        int notInBackendLogs,
        double firstV2Ms,
        double allNewMs,
        double lastV1SentMs,
        double commandMs,
        String commandEnd,
        double switchMs,
        int held,
        double waitP99Ms,
        double gatePassedMs,
        double holdingSeenMs) {

    /** A request as the client saw it. */
    record Request(String id, long startUs, long endUs, boolean ok, String cause, String backend, boolean reused) {
    }

    /** A request as the backends logged it: {@code doneMs} is -1 when no answer was logged. */
    record BackendRequest(String backend, long recvMs, long doneMs) {
    }

    /** A request as the node's access log has it; {@code upstreamMs} is NaN without a backend. */
    record AccessLine(String id, long arrivalMs, String version, long epoch, double durationMs, double upstreamMs) {
    }

    /**
     * What a node's access log tells of the switch (a fleet's: the nodes' logs merged, or one
     * node's): the {@code switch} and {@code held} figures, the 99th percentile of every request's
     * wait in the node, and when the first request of the new version arrived.
     *
     * @param switchMs         the longest wait before the backend among the new version's requests
     *                         that arrived within a second of its first; NaN when none ran on it
     * @param held             requests at the old epoch that ran on the new version; -1 when the
     *                         epoch never changed (no telling)
     * @param waitP99Ms        the 99th percentile of {@code duration_ms - upstream_ms}; NaN without
     *                         any request that reached a backend
     * @param firstNewArrivalMs the first arrival of a new-version request, epoch ms; -1 when none
     */
    record AccessFigures(double switchMs, int held, double waitP99Ms, long firstNewArrivalMs) {

        /** The figures of {@code access}, which may be empty. */
        static AccessFigures of(Collection<AccessLine> access, String newV) {
            long oldEpoch = Long.MAX_VALUE;
            long newestEpoch = Long.MIN_VALUE;
            long firstV2Arrival = Long.MAX_VALUE;
            List<Double> waits = new ArrayList<>();
            for (AccessLine a : access) {
                if (a.epoch() >= 0) {
                    oldEpoch = Math.min(oldEpoch, a.epoch());
                    newestEpoch = Math.max(newestEpoch, a.epoch());
                }
                if (newV.equals(a.version())) {
                    firstV2Arrival = Math.min(firstV2Arrival, a.arrivalMs());
                }
                if (!Double.isNaN(a.upstreamMs())) {
                    waits.add(a.durationMs() - a.upstreamMs());
                }
            }
            if (firstV2Arrival == Long.MAX_VALUE) {
                return new AccessFigures(Double.NaN, -1, percentile(waits, 0.99), -1);
            }
            // Held requests are told by their epoch: without a change of epoch there is no telling.
            int held = newestEpoch > oldEpoch ? 0 : -1;
            double switchMs = 0;
            for (AccessLine a : access) {
                if (!newV.equals(a.version())) {
                    continue;
                }
                if (held >= 0 && a.epoch() == oldEpoch) {
                    held++;
                }
                if (a.arrivalMs() <= firstV2Arrival + 1000 && !Double.isNaN(a.upstreamMs())) {
                    switchMs = Math.max(switchMs, a.durationMs() - a.upstreamMs());
                }
            }
            return new AccessFigures(switchMs, held, percentile(waits, 0.99), firstV2Arrival);
        }
    }

    /** The version of a backend name: {@code v2-3} is {@code v2}. */
    static String version(String backend) {
        int dash = backend.indexOf('-');
        return dash < 0 ? backend : backend.substring(0, dash);
    }

    /**
     * Computes the figures of a round.
     *
     * @param requests the client's records
     * @param backend  the backends' records by request id, or null when there are no backend logs
     * @param access   the node's access log lines (a fleet's: every node's), or null for nginx and
     *                 HAProxy
     * @param events   what the switch recorded; the command's time is its {@code command-start}
     * @param oldV     the version live before ({@code v1})
     * @param newV     the version after ({@code v2})
     */
    static RoundMetrics compute(List<Request> requests, Map<String, BackendRequest> backend,
                                Collection<AccessLine> access, List<VersionSwitch.Event> events,
                                String oldV, String newV) {
        long cmd = Long.MIN_VALUE;
        long cmdEnd = Long.MIN_VALUE;
        String endDetail = "";
        for (VersionSwitch.Event e : events) {
            if (e.event().equals(VersionSwitch.COMMAND_START) && cmd == Long.MIN_VALUE) {
                cmd = e.micros();
            } else if (e.event().equals(VersionSwitch.COMMAND_END)) {
                cmdEnd = e.micros();
                endDetail = e.detail();
            }
        }
        if (cmd == Long.MIN_VALUE) {
            endDetail = "the command never ran";
        }

        int failed = 0;
        int failedOnReused = 0;
        Map<String, Integer> causes = new TreeMap<>();
        long firstV2End = Long.MAX_VALUE;
        long lastV1End = Long.MIN_VALUE;
        long lastV1Start = Long.MIN_VALUE;
        for (Request r : requests) {
            if (!r.ok()) {
                failed++;
                causes.merge(r.cause() + (r.reused() ? " (on a reused connection)" : ""), 1, Integer::sum);
                failedOnReused += r.reused() ? 1 : 0;
                continue;
            }
            String v = version(r.backend());
            if (v.equals(newV)) {
                firstV2End = Math.min(firstV2End, r.endUs());
            } else if (v.equals(oldV)) {
                lastV1End = Math.max(lastV1End, r.endUs());
                lastV1Start = Math.max(lastV1Start, r.startUs());
            }
        }
        int lateV1 = 0;
        for (Request r : requests) {
            if (r.ok() && version(r.backend()).equals(oldV) && r.endUs() > firstV2End) {
                lateV1++;
            }
        }
        boolean anyV2 = firstV2End != Long.MAX_VALUE;

        int startedAfter = -1;
        int overlap = -1;
        int missing = -1;
        if (backend != null) {
            long firstV2Recv = Long.MAX_VALUE;
            missing = 0;
            List<BackendRequest> v1 = new ArrayList<>();
            for (Request r : requests) {
                BackendRequest b = backend.get(r.id());
                if (b == null) {
                    missing += r.ok() ? 1 : 0;
                    continue;
                }
                String v = version(b.backend());
                if (v.equals(newV)) {
                    firstV2Recv = Math.min(firstV2Recv, b.recvMs());
                } else if (v.equals(oldV)) {
                    v1.add(b);
                }
            }
            startedAfter = 0;
            overlap = 0;
            if (firstV2Recv != Long.MAX_VALUE) {
                for (BackendRequest b : v1) {
                    if (b.recvMs() > firstV2Recv) {
                        startedAfter++;
                    } else if (b.doneMs() < 0 || b.doneMs() > firstV2Recv) {
                        overlap++;
                    }
                }
            }
        }

        AccessFigures node = access != null && !access.isEmpty() ? AccessFigures.of(access, newV)
                : new AccessFigures(Double.NaN, -1, Double.NaN, -1);

        double gatePassed = Double.NaN;
        double holdingFrom = Double.NaN;
        double holdingTo = Double.NaN;
        for (VersionSwitch.Event e : events) {
            if (!e.event().equals(ApiDeploySwitch.PHASE) || cmd == Long.MIN_VALUE) {
                continue;
            }
            String phase = e.detail().startsWith("phase=") ? e.detail().substring(6).split(" ", 2)[0] : "";
            double at = (e.micros() - cmd) / 1000.0;
            if (!phase.equals("gating") && !phase.equals("warming") && Double.isNaN(gatePassed)) {
                gatePassed = at;
            }
            if (phase.equals("holding") && Double.isNaN(holdingFrom)) {
                holdingFrom = at;
            } else if (!phase.equals("holding") && !Double.isNaN(holdingFrom) && Double.isNaN(holdingTo)) {
                holdingTo = at;
            }
        }

        return new RoundMetrics(requests.size(), failed, causes, failedOnReused, lateV1, startedAfter, overlap, missing,
                anyV2 && cmd != Long.MIN_VALUE ? (firstV2End - cmd) / 1000.0 : Double.NaN,
                anyV2 && cmd != Long.MIN_VALUE && lastV1End != Long.MIN_VALUE ? (lastV1End - cmd) / 1000.0 : Double.NaN,
                anyV2 && cmd != Long.MIN_VALUE && lastV1Start != Long.MIN_VALUE ? (lastV1Start - cmd) / 1000.0 : Double.NaN,
                cmd != Long.MIN_VALUE && cmdEnd != Long.MIN_VALUE ? (cmdEnd - cmd) / 1000.0 : Double.NaN,
                endDetail, node.switchMs(), node.held(), node.waitP99Ms(), gatePassed, holdingTo - holdingFrom);
    }

    /** Nearest-rank percentile; NaN for no values. */
    static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, rank - 1)));
    }

    /** Whether the round ended on the new version: some v2 response, and the command succeeded. */
    boolean switched() {
        return !Double.isNaN(firstV2Ms);
    }
}
