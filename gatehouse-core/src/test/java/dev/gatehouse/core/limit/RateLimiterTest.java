package dev.gatehouse.core.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.RateLimitConfig;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The bucket math on a hand-moved clock (times in nanoseconds, passed in as the node's clock would). */
final class RateLimiterTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1000 * MS;

    private static RateLimiter limiter(int requests, Duration per, int burst, int maxKeys) {
        return new RateLimiter(new RateLimitConfig(RateLimitConfig.Key.CLIENT_IP, null, requests, per, burst, maxKeys));
    }

    @Test
    void freshKey_takesTheWholeBurstAtOnce_thenWaitsOneInterval() {
        RateLimiter l = limiter(10, Duration.ofSeconds(1), 5, 100);
        long now = 42 * S;
        for (int i = 0; i < 5; i++) {
            assertThat(l.acquire("a", now)).as("request %d", i).isZero();
        }
        // The sixth finds the bucket empty: the next token comes one interval (100 ms) later.
        assertThat(l.acquire("a", now)).isEqualTo(100 * MS);
        assertThat(l.acquire("a", now + 40 * MS)).isEqualTo(60 * MS);
        assertThat(l.acquire("a", now + 100 * MS)).isZero();
        assertThat(l.acquire("a", now + 100 * MS)).isEqualTo(100 * MS);
    }

    @Test
    void steadyTraffic_atTheRate_isNeverRefused() {
        RateLimiter l = limiter(100, Duration.ofSeconds(1), 1, 100);
        for (int i = 0; i < 1000; i++) {
            assertThat(l.acquire("a", i * 10 * MS)).as("request %d", i).isZero();
        }
        // Twice the rate: every other request is refused.
        long start = 10 * S;
        long let = IntStream.range(0, 1000).filter(i -> l.acquire("a", start + i * 5 * MS) == 0).count();
        assertThat(let).isEqualTo(500);
    }

    @Test
    void refusedRequests_takeNothing() {
        RateLimiter l = limiter(1, Duration.ofSeconds(1), 1, 100);
        assertThat(l.acquire("a", 0)).isZero();
        // A client that keeps knocking is not pushed further back.
        for (int i = 1; i < 100; i++) {
            assertThat(l.acquire("a", i * 10 * MS)).isEqualTo(S - i * 10 * MS);
        }
        assertThat(l.acquire("a", S)).isZero();
    }

    @Test
    void quietSpell_refillsUpToTheBurst_notBeyond() {
        RateLimiter l = limiter(1, Duration.ofMinutes(1), 3, 100);
        for (int i = 0; i < 3; i++) {
            assertThat(l.acquire("a", 0)).isZero();
        }
        assertThat(l.acquire("a", 0)).isEqualTo(60 * S);
        // An hour later the bucket holds 3 tokens, not 60.
        long later = 3600 * S;
        for (int i = 0; i < 3; i++) {
            assertThat(l.acquire("a", later)).isZero();
        }
        assertThat(l.acquire("a", later)).isEqualTo(60 * S);
    }

    @Test
    void keys_haveTheirOwnBuckets() {
        RateLimiter l = limiter(1, Duration.ofSeconds(1), 1, 100);
        assertThat(l.acquire("a", 0)).isZero();
        assertThat(l.acquire("a", 0)).isPositive();
        assertThat(l.acquire("b", 0)).isZero();
    }

    @Test
    void clockOrigin_doesNotMatter_evenAcrossTheOverflow() {
        RateLimiter l = limiter(10, Duration.ofSeconds(1), 1, 100);
        long now = Long.MAX_VALUE - 50 * MS;
        assertThat(l.acquire("a", now)).isZero();
        assertThat(l.acquire("a", now + 60 * MS)).isEqualTo(40 * MS); // past Long.MAX_VALUE: wraps, as nanoTime may
        assertThat(l.acquire("a", now + 100 * MS)).isZero();
    }

    @Test
    void keysWhoseBucketIsFullAgain_areForgotten_asTrafficGoesOn() {
        RateLimiter l = limiter(10, Duration.ofSeconds(1), 1, 1000);
        for (int i = 0; i < 100; i++) {
            l.acquire("k" + i, 0);
        }
        assertThat(l.size()).isEqualTo(100);
        // One key keeps coming; each of its requests forgets up to two idle keys.
        for (int i = 1; i <= 60; i++) {
            l.acquire("busy", i * S);
        }
        assertThat(l.size()).isEqualTo(1);
    }

    @Test
    void table_neverHoldsMoreThanMaxKeys_andAForgottenKeyStartsFull() {
        RateLimiter l = limiter(1, Duration.ofMinutes(1), 1, 10);
        for (int i = 0; i < 1000; i++) {
            assertThat(l.acquire("k" + i, 0)).isZero();
            assertThat(l.size()).isLessThanOrEqualTo(10);
        }
        // k0 was pushed out while its bucket was still refilling: it is let in again (errs on letting in).
        assertThat(l.acquire("k0", 0)).isZero();
        // k999 is remembered: refused.
        assertThat(l.acquire("k999", 0)).isPositive();
    }

    @Test
    void largeTables_areBoundedToo() {
        RateLimiter l = limiter(1, Duration.ofMinutes(1), 1, 2048);
        for (int i = 0; i < 20_000; i++) {
            l.acquire("k" + i, 0);
        }
        assertThat(l.size()).isLessThanOrEqualTo(2048).isGreaterThan(1024);
    }
}
