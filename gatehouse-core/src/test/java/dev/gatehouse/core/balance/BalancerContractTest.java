package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HashConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.time.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What every strategy promises ({@link Balancer}'s contract). */
final class BalancerContractTest {

    private static Balancer create(Strategy strategy) {
        return Balancers.create(strategy, new HashConfig(HashConfig.Source.CLIENT_IP, null, 1.25), new FakeClock(), new Random(42));
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void pick_fromNoCandidates_isNull(Strategy strategy) {
        assertThat(create(strategy).pick(List.of(), TestRequest.ANY)).isNull();
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void pick_fromOneCandidate_isThatOne(Strategy strategy) {
        Balancer balancer = create(strategy);
        List<Member> one = Members.weighted(3);
        for (int i = 0; i < 10; i++) {
            assertThat(balancer.pick(one, TestRequest.from("10.1.1." + i))).isSameAs(one.get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void pick_whenMembersComeAndGo_returnsOneOfTheCurrentCandidates(Strategy strategy) {
        Balancer balancer = create(strategy);
        List<Member> all = Members.weighted(1, 2, 3, 4, 5);
        for (int i = 0; i < 1_000; i++) {
            List<Member> some = all.subList(0, 1 + i % all.size());
            assertThat(balancer.pick(some, TestRequest.from("10.1." + (i % 7) + ".1"))).isIn(some);
        }
    }

    @ParameterizedTest
    @EnumSource(Strategy.class)
    void pick_fromFourThreads_staysWithinCandidatesAndNeverThrows(Strategy strategy) throws Exception {
        Balancer balancer = create(strategy);
        List<Member> four = Members.weighted(1, 2, 3, 4);
        List<Member> three = List.copyOf(four.subList(1, 4));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                go.await();
                int outside = 0;
                for (int i = 0; i < 20_000; i++) {
                    // alternate the lists, as snapshots change, so caches are replaced under contention
                    List<Member> candidates = (i / 100) % 2 == 0 ? four : three;
                    Member m = balancer.pick(candidates, TestRequest.from("10.2." + thread + "." + (i % 250)));
                    if (!candidates.contains(m)) {
                        outside++;
                    }
                    m.load().started();
                    m.load().finished(1_000_000 * (1 + i % 5), i);
                }
                return outside;
            }));
        }
        go.countDown();
        for (Future<Integer> f : results) {
            assertThat(f.get(60, TimeUnit.SECONDS)).isZero();
        }
        pool.shutdown();
        assertThat(four).allSatisfy(m -> assertThat(m.load().inFlight()).isZero());
    }
}
