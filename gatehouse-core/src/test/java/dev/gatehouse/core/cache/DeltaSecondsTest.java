package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class DeltaSecondsTest {

    @Test
    void parse_readsDigitsOnly() {
        assertThat(DeltaSeconds.parse("0")).isZero();
        assertThat(DeltaSeconds.parse("42")).isEqualTo(42);
        assertThat(DeltaSeconds.parse("000")).isZero();
        assertThat(DeltaSeconds.parse(null)).isEqualTo(DeltaSeconds.INVALID);
        assertThat(DeltaSeconds.parse("")).isEqualTo(DeltaSeconds.INVALID);
        assertThat(DeltaSeconds.parse(" 1")).isEqualTo(DeltaSeconds.INVALID);
        assertThat(DeltaSeconds.parse("-1")).isEqualTo(DeltaSeconds.INVALID);
        assertThat(DeltaSeconds.parse("\u0661")).isEqualTo(DeltaSeconds.INVALID);
    }

    @Test
    void parse_clampsAt2pow31_butStillChecksEveryDigit() {
        assertThat(DeltaSeconds.parse("9".repeat(1000))).isEqualTo(DeltaSeconds.MAX);
        assertThat(DeltaSeconds.parse("9".repeat(30) + "x")).isEqualTo(DeltaSeconds.INVALID);
    }

    @Test
    void clampAndAdd_stayWithinZeroAndMax() {
        assertThat(DeltaSeconds.clamp(-5)).isZero();
        assertThat(DeltaSeconds.clamp(Long.MAX_VALUE)).isEqualTo(DeltaSeconds.MAX);
        assertThat(DeltaSeconds.add(DeltaSeconds.MAX, DeltaSeconds.MAX)).isEqualTo(DeltaSeconds.MAX);
        assertThat(DeltaSeconds.add(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(DeltaSeconds.MAX);
        assertThat(DeltaSeconds.add(2, 3)).isEqualTo(5);
    }

    @Test
    void between_isNeverNegative_andSaturates() {
        assertThat(DeltaSeconds.between(10, 15)).isEqualTo(5);
        assertThat(DeltaSeconds.between(15, 10)).isZero();
        assertThat(DeltaSeconds.between(Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(DeltaSeconds.MAX);
        assertThat(DeltaSeconds.between(Long.MAX_VALUE, Long.MIN_VALUE)).isZero();
        assertThat(DeltaSeconds.between(0, 1L << 40)).isEqualTo(DeltaSeconds.MAX);
    }
}
