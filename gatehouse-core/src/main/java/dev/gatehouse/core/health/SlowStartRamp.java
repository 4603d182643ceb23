package dev.gatehouse.core.health;

import dev.gatehouse.core.config.SlowStartConfig;

/** The slow-start ramp: the share of its normal traffic a backend that just came back may take. */
final class SlowStartRamp {

    private SlowStartRamp() {
    }

    /**
     * The backend's share at {@code now}: from {@code min_percent} at the ramp's start up to 1 at the
     * end of its window, linearly; 1 when it is not ramping or slow start is off.
     */
    static double share(BackendHealth h, long now, SlowStartConfig s) {
        long start = h.rampStart;
        if (start == BackendHealth.NEVER || !s.enabled()) {
            return 1.0;
        }
        long window = s.window().toNanos();
        long elapsed = now - start;
        if (elapsed >= window) {
            return 1.0;
        }
        double min = s.minPercent() / 100.0;
        return min + (1.0 - min) * Math.max(0, elapsed) / window;
    }
}
