package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.backend.Backend;
import dev.gatehouse.core.config.HostPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

final class RoundRobinBalancerTest {

    private static final PickContext ANY = new PickContext() {
        @Override
        public String clientAddress() {
            return "127.0.0.1";
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/";
        }

        @Override
        public String header(String name) {
            return null;
        }
    };

    private static List<Member> backends(int n) {
        List<Member> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new Member(new Backend("web", new HostPort("10.0.0." + (i + 1), 8000), 1, "v1"), new BackendLoad()));
        }
        return list;
    }

    @Test
    void pick_givesEachBackendATurnInOrder() {
        Balancer rr = Balancer.roundRobin();
        List<Member> three = backends(3);
        List<Member> picks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picks.add(rr.pick(three, ANY));
        }
        assertThat(picks).containsExactly(three.get(0), three.get(1), three.get(2), three.get(0), three.get(1), three.get(2));
    }

    @Test
    void pick_fromNoCandidates_isNull() {
        assertThat(Balancer.roundRobin().pick(List.of(), ANY)).isNull();
    }

    @Test
    void pick_underConcurrency_staysExactlyEven() throws Exception {
        Balancer rr = Balancer.roundRobin();
        List<Member> four = backends(4);
        Map<Member, Integer> counts = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<List<Member>>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            results.add(pool.submit(() -> {
                go.await();
                List<Member> mine = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    mine.add(rr.pick(four, ANY));
                }
                return mine;
            }));
        }
        go.countDown();
        for (var f : results) {
            f.get().forEach(b -> counts.merge(b, 1, Integer::sum));
        }
        pool.shutdown();
        assertThat(counts.values()).containsOnly(10_000);
    }

    @Test
    void pick_whenTheListShrinks_staysInBounds() {
        Balancer rr = Balancer.roundRobin();
        for (int i = 0; i < 5; i++) {
            rr.pick(backends(5), ANY);
        }
        List<Member> two = backends(2);
        assertThat(rr.pick(two, ANY)).isIn(two);
    }
}
