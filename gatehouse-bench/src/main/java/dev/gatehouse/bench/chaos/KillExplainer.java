package dev.gatehouse.bench.chaos;

import dev.gatehouse.bench.chaos.RunRecords.AccessEntry;
import dev.gatehouse.bench.chaos.RunRecords.Answer;
import dev.gatehouse.bench.chaos.RunRecords.Instance;
import dev.gatehouse.bench.chaos.RunRecords.Receipt;
import dev.gatehouse.bench.chaos.RunRecords.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The chaos report's analysis (see {@link ChaosReport}): whether a kill explains a failed request
 * and, if not, what happened to it; which requests were in hand on a killed backend; and the
 * backends' instances over time. Reads a finished run's records and changes nothing.
 */
final class KillExplainer {

    private final RunRecords run;
    private final long windowMicros;
    private final long origin;
    private final Map<String, Request> byId = new HashMap<>();

    KillExplainer(RunRecords run, long windowMicros, long origin) {
        this.run = run;
        this.windowMicros = windowMicros;
        this.origin = origin;
        for (Request r : run.requests) {
            byId.put(r.id(), r);
        }
    }

    /** How a kill explains a failed request, if it does. */
    enum Tier {
        /** The backend process logged receiving it and was killed before logging an answer. */
        RECEIVED,
        /**
         * No backend process logged it, but the node sent it to a backend that was killed within
         * the window around the request and the node saw that connection close or reset (not a
         * refused connect): it was in the dying process's socket, or on a connection the kernel was
         * tearing down. A node cannot tell this from {@link #RECEIVED}, so it may not retry it.
         */
        SENT_AS_KILLED,
        NONE
    }

    /** A failed request and whether, and how, a kill explains it. */
    record Verdict(Request request, Tier tier, String why) {

        boolean explained() {
            return tier != Tier.NONE;
        }
    }

    /** Whether a kill explains a failed request, and what happened to it otherwise. */
    Verdict explain(Request r) {
        List<Receipt> receipts = run.receiptsOf(r.id());
        for (Receipt rc : receipts) {
            Instance in = run.instances.get(rc.instance);
            // Killed before the client had its answer: a kill after that did not cause the failure.
            if (rc.answer == Answer.NONE && in != null && in.killed() && in.killMicros() <= r.endMicros()) {
                return new Verdict(r, Tier.RECEIVED, "received by " + rc.instance + " at +" + t(rc.recvMillis * 1000)
                        + " s, in hand when it was killed at +" + t(in.killMicros()) + " s");
            }
        }
        StringBuilder why = new StringBuilder();
        if (receipts.isEmpty()) {
            why.append("not received by any backend");
        }
        for (Receipt rc : receipts) {
            Instance in = run.instances.get(rc.instance);
            if (!why.isEmpty()) {
                why.append("; ");
            }
            why.append("received by ").append(rc.instance).append(" at +").append(t(rc.recvMillis * 1000)).append(" s, ");
            switch (rc.answer) {
                case DONE -> why.append("answered ").append(rc.status).append(" at +").append(t(rc.answerMillis * 1000))
                        .append(" s").append(in != null && in.killed() ? " (killed at +" + t(in.killMicros()) + " s)" : "");
                case FAIL -> why.append("writing its response failed at +").append(t(rc.answerMillis * 1000)).append(" s");
                case DROP -> why.append("connection closed before it answered, at +").append(t(rc.answerMillis * 1000))
                        .append(" s");
                case NONE -> why.append("unanswered; the instance ")
                        .append(in == null ? "is unknown" : in.end() + (in.endedMicros() > 0 ? " at +" + t(in.endedMicros()) + " s" : ""));
            }
        }
        AccessEntry a = run.accessOf(r.id());
        Instance dying = null;
        if (a == null) {
            why.append(run.accessLogRead ? "; no access-log line" : "");
        } else {
            int b = backendOf(a.backend());
            if (receipts.isEmpty() && b >= 0 && !isConnectFailure(a.error())) {
                dying = killedBetween(b, r.startMicros() - windowMicros, r.endMicros());
            }
            why.append("; node: status ").append(a.status()).append(", backend ")
                    .append(a.backend() == null ? "none" : a.backend() + (b >= 0 ? " (b" + b + ")" : ""))
                    .append(", tries ").append(a.tries());
            if (a.error() != null) {
                why.append(", error \"").append(a.error()).append('"');
            }
            if (b >= 0) {
                String context = backendContext(b, r.startMicros(), r.endMicros());
                if (!context.isEmpty()) {
                    why.append("; ").append(context);
                }
            }
        }
        if (dying != null) {
            return new Verdict(r, Tier.SENT_AS_KILLED, "sent to " + dying.id() + " as it was killed at +" + t(dying.killMicros())
                    + " s (request started at +" + t(r.startMicros()) + " s), not read by the process; " + why);
        }
        return new Verdict(r, Tier.NONE, why.toString());
    }

    /** An instance of backend {@code b} killed between {@code from} and {@code to}, or null. */
    private Instance killedBetween(int b, long from, long to) {
        for (Instance in : run.instances.values()) {
            if (in.backend() == b && in.killed() && in.killMicros() >= from && in.killMicros() <= to) {
                return in;
            }
        }
        return null;
    }

    /**
     * Whether the node's error says it could not connect (nothing was sent, so any request could
     * have gone to another backend). Gatehouse's errors for that start with "connect to".
     */
    private static boolean isConnectFailure(String error) {
        return error != null && error.startsWith("connect to ");
    }

    /** What backend {@code b} was going through between {@code from} and {@code to}. */
    private String backendContext(int b, long from, long to) {
        Instance at = run.instanceAt(b, from);
        if (at == null) {
            return "";
        }
        if (at.killMicros() >= 0 && at.killMicros() <= from) {
            Instance next = nextInstance(at);
            return "b" + b + " was down (killed at +" + t(at.killMicros()) + " s"
                    + (next != null && next.readyMicros() > 0 ? ", ready again at +" + t(next.readyMicros()) + " s" : "") + ")";
        }
        if (at.readyMicros() < 0 || at.readyMicros() > from) {
            return "b" + b + " was starting (" + at.id() + " started at +" + t(at.startedMicros()) + " s)";
        }
        if (at.killMicros() >= 0 && at.killMicros() <= to) {
            return "b" + b + " (" + at.id() + ") was killed during the request, at +" + t(at.killMicros()) + " s";
        }
        return "";
    }

    /** The backend index of a {@code host:port} from the access log, or -1. */
    private int backendOf(String address) {
        if (address == null) {
            return -1;
        }
        try {
            return run.backendOfPort(Integer.parseInt(address.substring(address.lastIndexOf(':') + 1)));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    List<Instance> kills() {
        return run.instances.values().stream().filter(Instance::killed).toList();
    }

    Instance nextInstance(Instance in) {
        Instance next = null;
        for (Instance other : run.instances.values()) {
            if (other.backend() == in.backend() && other.startedMicros() > in.startedMicros()
                    && (next == null || other.startedMicros() < next.startedMicros())) {
                next = other;
            }
        }
        return next;
    }

    /** How many times a request id was received by a backend (any instance, any connection). */
    int receivedTimes(String id) {
        return run.receiptsOf(id).size();
    }

    /** The client's requests that a killed instance had received and not answered. */
    List<Request> inFlightOnKilled() {
        Set<Request> requests = new LinkedHashSet<>();
        forEachInHandWhenKilled((r, rc) -> requests.add(r));
        return new ArrayList<>(requests);
    }

    /** Per killed instance, its unanswered requests: [GET and other idempotent, POST]. */
    Map<String, int[]> inFlightByInstance() {
        Map<String, int[]> by = new LinkedHashMap<>();
        forEachInHandWhenKilled((r, rc) -> by.computeIfAbsent(rc.instance, k -> new int[2])[r.idempotent() ? 0 : 1]++);
        return by;
    }

    /** Calls {@code visit} with each client request and its receipt by an instance killed before answering it. */
    private void forEachInHandWhenKilled(BiConsumer<Request, Receipt> visit) {
        for (var e : run.receipts.entrySet()) {
            Request r = byId.get(e.getKey());
            if (r == null) {
                continue;
            }
            for (Receipt rc : e.getValue()) {
                Instance in = run.instances.get(rc.instance);
                if (rc.answer == Answer.NONE && in != null && in.killed()) {
                    visit.accept(r, rc);
                }
            }
        }
    }

    /** Seconds since the start of the load, e.g. {@code 12.345}. */
    private String t(long micros) {
        return WallClock.since(micros, origin);
    }
}
