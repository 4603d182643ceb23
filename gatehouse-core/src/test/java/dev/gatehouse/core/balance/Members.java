package dev.gatehouse.core.balance;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.config.HostPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Members for balancer tests: {@code 10.0.0.<n>:8000} in pool {@code web}. */
final class Members {

    private Members() {
    }

    /** One member per weight, hosts 10.0.0.1, 10.0.0.2, ... */
    static List<Member> weighted(int... weights) {
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            list.add(member(i + 1, weights[i]));
        }
        return List.copyOf(list);
    }

    /** {@code n} members of weight 1. */
    static List<Member> equal(int n) {
        int[] weights = new int[n];
        java.util.Arrays.fill(weights, 1);
        return weighted(weights);
    }

    /** Member 10.0.0.{@code host} with a fresh load. */
    static Member member(int host, int weight) {
        return new Member(new Backend("web", new HostPort("10.0.0." + host, 8000), weight, "v1"), new BackendLoad());
    }

    /** The same backend with another weight, sharing the load (as a new snapshot would). */
    static Member reweighted(Member m, int weight) {
        Backend b = m.backend();
        return new Member(new Backend(b.pool(), b.address(), weight, b.version()), m.load());
    }

    /** Counts picks of each member over {@code picks} calls. */
    static Map<Member, Integer> count(Balancer balancer, List<Member> candidates, int picks) {
        Map<Member, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(balancer.pick(candidates, TestRequest.ANY), 1, Integer::sum);
        }
        return counts;
    }

    /** Marks {@code n} requests as started on a member. */
    static void load(Member m, int n) {
        for (int i = 0; i < n; i++) {
            m.load().started();
        }
    }
}
