package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class CachePolicyTest {

    @Test
    void defaults_areWhatRfc9111AllowsAndNoMore() {
        CachePolicy p = CachePolicy.DEFAULTS;

        assertThat(p.cacheAuthorized()).isFalse();
        assertThat(p.cacheSetCookie()).isFalse();
        assertThat(p.cachePrivate()).isFalse();
        assertThat(p.heuristicMaxSeconds()).isEqualTo(86_400);
        assertThat(p.heuristicFraction()).isEqualTo(0.1);
        assertThat(p.defaultStaleIfErrorSeconds()).isZero();
        assertThat(p.defaultStaleWhileRevalidateSeconds()).isZero();
        assertThat(p.maxObjectBytes()).isEqualTo(8L * 1024 * 1024);
    }

    @Test
    void refusesOutOfRangeKnobs() {
        assertThatThrownBy(() -> new CachePolicy(false, false, false, -1, 0.1, 0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("heuristic_max: -1s");
        assertThatThrownBy(() -> new CachePolicy(false, false, false, 1L << 40, 0.1, 0, 0, 1))
                .hasMessageStartingWith("heuristic_max:");
        assertThatThrownBy(() -> new CachePolicy(false, false, false, 0, 1.5, 0, 0, 1)).hasMessageStartingWith("heuristic_fraction: 1.5");
        assertThatThrownBy(() -> new CachePolicy(false, false, false, 0, -0.1, 0, 0, 1)).hasMessageStartingWith("heuristic_fraction:");
        assertThatThrownBy(() -> new CachePolicy(false, false, false, 0, Double.NaN, 0, 0, 1)).hasMessageStartingWith("heuristic_fraction: NaN");
        assertThatThrownBy(() -> new CachePolicy(false, false, false, 0, 0, -1, 0, 1)).hasMessageStartingWith("stale_if_error:");
        assertThatThrownBy(() -> new CachePolicy(false, false, false, 0, 0, 0, -1, 1)).hasMessageStartingWith("stale_while_revalidate:");
        assertThatThrownBy(() -> new CachePolicy(false, false, false, 0, 0, 0, 0, 0)).hasMessageStartingWith("max_object_size: 0");
    }

    @Test
    void acceptsTheEdges() {
        CachePolicy p = new CachePolicy(true, true, true, DeltaSeconds.MAX, 1, DeltaSeconds.MAX, DeltaSeconds.MAX, 1);

        assertThat(p.heuristicFraction()).isEqualTo(1.0);
    }
}
