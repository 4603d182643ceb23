package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.LimitsConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When an idle keep-alive connection is parked, by its listener's {@code client_idle}. */
final class IdleParkingTest {

    private static long parkAfter(Duration clientIdle) {
        return new IdleParking(clientIdle.toNanos(), LimitsConfig.DEFAULTS).parkAfter();
    }

    @Test
    void parkAfter_isAQuarterOfClientIdle_atMostOneSecond() {
        assertThat(parkAfter(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(500).toNanos());
        assertThat(parkAfter(Duration.ofSeconds(4))).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(parkAfter(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(parkAfter(Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void aClientIdleUnder40Ms_parksNothing() {
        assertThat(parkAfter(Duration.ofMillis(40))).isEqualTo(Duration.ofMillis(10).toNanos());
        assertThat(parkAfter(Duration.ofMillis(39))).isZero();
        assertThat(parkAfter(Duration.ZERO)).isZero();
    }
}
