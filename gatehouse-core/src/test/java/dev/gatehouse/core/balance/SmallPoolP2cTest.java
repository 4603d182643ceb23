package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** p2c-ewma in the pools sync apps have: a handful of single-threaded backends, routes of mixed speed. */
final class SmallPoolP2cTest {

    private static final long MS = 1_000_000L;

    @Test
    void smallPool_theIdleBackendIsAlwaysFound() {
        FakeClock clock = new FakeClock();
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> eight = Members.equal(8);
        for (int idle = 0; idle < 8; idle++) {
            for (int i = 0; i < 8; i++) {
                if (i != idle) {
                    Members.load(eight.get(i), 1);
                }
            }
            for (int k = 0; k < 50; k++) {
                assertThat(p2c.pick(eight, TestRequest.ANY)).isSameAs(eight.get(idle));
            }
            for (int i = 0; i < 8; i++) {
                if (i != idle) {
                    eight.get(i).load().finished(-1, clock.nanoTime());
                }
            }
        }
    }

    @Test
    void rareSlowRoute_doesNotMakeABackendLookSlow() {
        BackendLoad load = new BackendLoad();
        long now = 0;
        for (int i = 0; i < 1000; i++) {
            now += 16 * MS;
            // One request in a hundred is a 500 ms report; the rest take 5 ms.
            load.observe(i % 100 == 50 ? 500 * MS : 5 * MS, now);
        }
        assertThat(load.latencyNanos()).isBetween(4.0 * MS, 7.5 * MS);
    }

    @Test
    void idleBackend_beatsABusyOneThatLooksFaster() {
        FakeClock clock = new FakeClock();
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> two = Members.equal(2);
        // The first looks three times slower (its requests waited behind others), but is idle.
        for (int i = 0; i < 100; i++) {
            two.get(0).load().observe(15 * MS, clock.nanoTime());
            two.get(1).load().observe(5 * MS, clock.nanoTime());
        }
        Members.load(two.get(1), 1);
        assertThat(p2c.pick(two, TestRequest.ANY)).isSameAs(two.get(0));
        // Equally loaded, the faster one wins.
        Members.load(two.get(0), 1);
        assertThat(p2c.pick(two, TestRequest.ANY)).isSameAs(two.get(1));
    }

    @Test
    void backendThatTurnsSlow_isSeenWithinDozensOfRequests() {
        BackendLoad load = new BackendLoad();
        long now = 0;
        for (int i = 0; i < 500; i++) {
            now += 16 * MS;
            load.observe(5 * MS, now);
        }
        for (int i = 0; i < 40; i++) { // forty requests of 50 ms
            now += 16 * MS;
            load.observe(50 * MS, now);
        }
        assertThat(load.latencyNanos()).isGreaterThan(30.0 * MS);
    }
}
