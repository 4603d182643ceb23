package dev.gatehouse.core.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.time.FakeClock;
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
        two.get(1).load().started(clock.nanoTime());
        assertThat(p2c.pick(two, TestRequest.ANY)).isSameAs(two.get(0));
        // Equally loaded, the faster one wins.
        two.get(0).load().started(clock.nanoTime());
        assertThat(p2c.pick(two, TestRequest.ANY)).isSameAs(two.get(1));
    }

    @Test
    void everyBackendBusy_theOneStuckOnALongRequestIsAvoided() {
        FakeClock clock = new FakeClock();
        Balancer p2c = Balancer.p2cEwma(clock, new Random(42));
        List<Member> four = Members.equal(4);
        for (Member m : four) {
            for (int i = 0; i < 50; i++) {
                m.load().observe(5 * MS, clock.nanoTime());
            }
        }
        // The first starts a long request; 300 ms later the others have each just started a new one.
        four.get(0).load().started(clock.nanoTime());
        clock.advance(300, java.util.concurrent.TimeUnit.MILLISECONDS);
        for (int i = 1; i < 4; i++) {
            four.get(i).load().started(clock.nanoTime());
        }
        clock.advance(1, java.util.concurrent.TimeUnit.MILLISECONDS);
        for (int k = 0; k < 100; k++) {
            assertThat(p2c.pick(four, TestRequest.ANY)).isNotSameAs(four.get(0));
        }
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
