package dev.gatehouse.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Known series, known trends. */
final class TrendTest {

    private static final double EPS = 1e-9;

    @Test
    void aStraightLine_hasItsSlope_perMinute_withNoError() {
        // 100 + 0.5 per second, sampled every 5 s for 10 minutes: 30 per minute.
        double[] t = new double[121];
        double[] v = new double[121];
        for (int i = 0; i < t.length; i++) {
            t[i] = 5 * i;
            v[i] = 100 + 0.5 * t[i];
        }
        Trend trend = Trend.of(t, v, 0);
        assertThat(trend.n()).isEqualTo(121);
        assertThat(trend.slopePerMinute()).isCloseTo(30, within(EPS));
        assertThat(trend.slopeErrorPerMinute()).isCloseTo(0, within(EPS));
        assertThat(trend.first()).isEqualTo(100);
        assertThat(trend.last()).isEqualTo(400);
        assertThat(trend.min()).isEqualTo(100);
        assertThat(trend.max()).isEqualTo(400);
        assertThat(trend.mean()).isCloseTo(250, within(EPS));
        // 30 per minute on a mean of 250: 12 % per minute.
        assertThat(trend.percentPerMinute()).isCloseTo(12, within(EPS));
    }

    @Test
    void theWarmUp_isLeftOut() {
        // A climb during the first 60 s, then flat at 500.
        double[] t = {0, 20, 40, 60, 80, 100, 120};
        double[] v = {100, 300, 450, 500, 500, 500, 500};
        Trend trend = Trend.of(t, v, 60);
        assertThat(trend.n()).isEqualTo(4);
        assertThat(trend.first()).isEqualTo(500);
        assertThat(trend.slopePerMinute()).isZero();
        assertThat(trend.percentPerMinute()).isZero();
        assertThat(Trend.of(t, v, 0).slopePerMinute()).isGreaterThan(0);
    }

    @Test
    void aNoisySeries_hasTheTextbookSlopeAndError() {
        // y = 1, 3, 1, 3 at t = 0..3 s: Sxx = 5, Sxy = 2, slope 0.4/s; residuals -0.4, 1.2, -1.2, 0.4,
        // SSR 3.2, error sqrt(3.2 / 2 / 5) = sqrt(0.32) per second.
        Trend trend = Trend.of(new double[] {0, 1, 2, 3}, new double[] {1, 3, 1, 3}, 0);
        assertThat(trend.slopePerMinute()).isCloseTo(24, within(EPS));
        assertThat(trend.slopeErrorPerMinute()).isCloseTo(60 * Math.sqrt(0.32), within(EPS));
        assertThat(trend.mean()).isCloseTo(2, within(EPS));
        assertThat(trend.percentPerMinute()).isCloseTo(1200, within(EPS));
    }

    @Test
    void aFallingSeries_hasANegativeSlope_relativeToItsSize() {
        Trend trend = Trend.of(new double[] {0, 60, 120}, new double[] {-10, -12, -14}, 0);
        assertThat(trend.slopePerMinute()).isCloseTo(-2, within(EPS));
        // Relative to |mean| = 12: the sign stays the slope's.
        assertThat(trend.percentPerMinute()).isCloseTo(-100.0 * 2 / 12, within(EPS));
    }

    @Test
    void missingSamples_areLeftOut_notReadAsZero() {
        double[] t = {0, 5, 10, 15};
        double[] v = {10, Double.NaN, 20, 25};
        Trend trend = Trend.of(t, v, 0);
        assertThat(trend.n()).isEqualTo(3);
        assertThat(trend.min()).isEqualTo(10);
        // Through (0, 10), (10, 20), (15, 25): slope exactly 1 per second.
        assertThat(trend.slopePerMinute()).isCloseTo(60, within(EPS));
    }

    @Test
    void largeTimesAndValues_loseNoPrecision() {
        // Epoch seconds and byte counts around 4e8: a naive sum of squares would cancel.
        double[] t = new double[100];
        double[] v = new double[100];
        for (int i = 0; i < t.length; i++) {
            t[i] = 1.7e9 + 5 * i;
            v[i] = 4e8 + 12 * i;
        }
        assertThat(Trend.of(t, v, 0).slopePerMinute()).isCloseTo(144, within(1e-6));
    }

    @Test
    void tooFewSamples_giveNoSlopeError() {
        Trend one = Trend.of(new double[] {0}, new double[] {7}, 0);
        assertThat(one.n()).isEqualTo(1);
        assertThat(one.slopePerMinute()).isZero();
        assertThat(one.slopeErrorPerMinute()).isNaN();
        Trend none = Trend.of(new double[] {0, 5}, new double[] {1, 2}, 60);
        assertThat(none.n()).isZero();
        assertThat(none.mean()).isNaN();
        assertThat(none.percentPerMinute()).isNaN();
        assertThat(Trend.of(new double[] {0, 1}, new double[] {0, 0}, 0).percentPerMinute()).isNaN();
    }

    @Test
    void timesAndValues_mustPair() {
        assertThatThrownBy(() -> Trend.of(new double[] {0, 1}, new double[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("times: 2, values: 1 (expected: as many of each)");
    }
}
