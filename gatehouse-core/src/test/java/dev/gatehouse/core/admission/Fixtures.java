package dev.gatehouse.core.admission;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Balancer;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.config.AdaptiveConfig;
import dev.gatehouse.core.config.AdmissionConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.QueueConfig;
import dev.gatehouse.core.config.SlowLaneConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test doubles for admission tests. */
final class Fixtures {

    /** Always the first candidate. */
    static final Balancer FIRST = (candidates, context) -> candidates.isEmpty() ? null : candidates.get(0);

    private Fixtures() {
    }

    /** A waiter that records its grants. */
    static class RecordingWaiter implements Waiter {
        final String name;
        final List<Ticket> grants = new CopyOnWriteArrayList<>();

        RecordingWaiter(String name) {
            this.name = name;
        }

        @Override
        public void granted(Ticket ticket) {
            grants.add(ticket);
        }

        Ticket ticket() {
            return grants.isEmpty() ? null : grants.get(0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static PickContext request(String method, String path) {
        return new PickContext() {
            @Override
            public String clientAddress() {
                return "203.0.113.9";
            }

            @Override
            public String method() {
                return method;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String header(String name) {
                return null;
            }
        };
    }

    static final PickContext GET = request("GET", "/");

    static List<Member> members(int n) {
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Member(new Backend("web", new HostPort("10.0.0." + (i + 1), 8000), 1, "v1"), new BackendLoad()));
        }
        return List.copyOf(list);
    }

    static AdmissionConfig fixed(int concurrency, int queueMax) {
        return new AdmissionConfig(concurrency, null, new QueueConfig(queueMax, Duration.ofSeconds(5)), null);
    }

    static AdmissionConfig adaptive(int initial, int min, int max) {
        return new AdmissionConfig(0, new AdaptiveConfig(initial, min, max), new QueueConfig(1000, Duration.ofSeconds(5)), null);
    }

    static AdmissionConfig slowLane(int concurrency, double share) {
        return new AdmissionConfig(concurrency, null, new QueueConfig(1000, Duration.ofSeconds(5)),
                new SlowLaneConfig(share, Duration.ofMillis(100), 100));
    }

    static Ticket granted(Admit admit) {
        if (admit instanceof Admit.Granted g) {
            return g.ticket();
        }
        throw new AssertionError("expected a grant, got " + admit);
    }
}
