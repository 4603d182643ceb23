package dev.gatehouse.bench.soak;

/**
 * What a sampled series did over a window: its first, last, lowest, highest and mean value, and
 * the straight line that fits it best (ordinary least squares on time), as a slope per minute
 * with its standard error. The soak's verdict on "flat" is the slope relative to the mean,
 * {@link #percentPerMinute()}.
 *
 * <p>The standard error is the textbook one for independent residuals, {@code sqrt(SSR / (n - 2) / Sxx)};
 * successive samples of a process's RSS or descriptor count are not independent, so read it as a
 * lower bound of the slope's uncertainty, a hint of how much the series wobbles, not as a test.
 *
 * @param n                  samples in the window (missing values, NaN, left out)
 * @param first              the first value in the window
 * @param last               the last value in the window
 * @param min                the lowest
 * @param max                the highest
 * @param mean               the mean
 * @param slopePerMinute     the least-squares slope, in units of the value per minute; 0 with fewer than 2 samples
 * @param slopeErrorPerMinute its standard error, per minute; NaN with fewer than 3 samples
 */
public record Trend(int n, double first, double last, double min, double max, double mean, double slopePerMinute,
                    double slopeErrorPerMinute) {

    /**
     * Fits the samples at or after {@code fromSeconds}.
     *
     * @param seconds     the sample times, in seconds, ascending
     * @param values      the values, as many as times; NaN for a sample that is missing
     * @param fromSeconds the window's start: earlier samples (the warm-up) are left out
     * @return the trend; with no sample in the window every figure is NaN and n is 0
     */
    public static Trend of(double[] seconds, double[] values, double fromSeconds) {
        if (seconds.length != values.length) {
            throw new IllegalArgumentException("times: " + seconds.length + ", values: " + values.length
                    + " (expected: as many of each)");
        }
        int n = 0;
        double first = Double.NaN;
        double last = Double.NaN;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sumT = 0;
        double sumV = 0;
        for (int i = 0; i < seconds.length; i++) {
            if (seconds[i] < fromSeconds || Double.isNaN(values[i])) {
                continue;
            }
            double v = values[i];
            if (n == 0) {
                first = v;
            }
            last = v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            sumT += seconds[i];
            sumV += v;
            n++;
        }
        if (n == 0) {
            return new Trend(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double meanT = sumT / n;
        double mean = sumV / n;
        // Centred sums: no cancellation when the times are large (epoch seconds) or the values are.
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < seconds.length; i++) {
            if (seconds[i] < fromSeconds || Double.isNaN(values[i])) {
                continue;
            }
            double dt = seconds[i] - meanT;
            sxx += dt * dt;
            sxy += dt * (values[i] - mean);
        }
        if (n < 2 || sxx == 0) {
            return new Trend(n, first, last, min, max, mean, 0, Double.NaN);
        }
        double slope = sxy / sxx;
        double error = Double.NaN;
        if (n > 2) {
            double ssr = 0;
            for (int i = 0; i < seconds.length; i++) {
                if (seconds[i] < fromSeconds || Double.isNaN(values[i])) {
                    continue;
                }
                double r = values[i] - (mean + slope * (seconds[i] - meanT));
                ssr += r * r;
            }
            error = Math.sqrt(ssr / (n - 2) / sxx);
        }
        return new Trend(n, first, last, min, max, mean, slope * 60, error * 60);
    }

    /**
     * The slope relative to the mean, in percent per minute: how fast the series grows compared
     * with its size. NaN when the mean is 0 or there is no sample.
     *
     * @return {@code 100 * slopePerMinute / |mean|}
     */
    public double percentPerMinute() {
        return mean == 0 || Double.isNaN(mean) ? Double.NaN : 100 * slopePerMinute / Math.abs(mean);
    }
}
