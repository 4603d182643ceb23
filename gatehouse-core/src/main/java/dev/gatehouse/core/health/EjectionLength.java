package dev.gatehouse.core.health;

import dev.gatehouse.core.config.OutlierConfig;

/**
 * How long an ejection lasts: the base ejection time times the backend's ejections, at most the
 * maximum; each base ejection time of good behaviour since its last ejection forgives one.
 */
final class EjectionLength {

    private EjectionLength() {
    }

    /** The ejections still held against a backend at {@code now}, after forgiveness. */
    static int forgiven(int ejections, long lastEjectionEnd, long now, OutlierConfig o) {
        if (ejections == 0 || lastEjectionEnd == 0) {
            return ejections;
        }
        long forgiven = Math.max(0, (now - lastEjectionEnd) / o.baseEjection().toNanos());
        return (int) Math.max(0, ejections - forgiven);
    }

    /** The length in nanoseconds of a backend's ejection number {@code ejections} (1 for the first). */
    static long of(int ejections, OutlierConfig o) {
        return Math.min(o.maxEjection().toNanos(), saturatedMultiply(o.baseEjection().toNanos(), ejections));
    }

    private static long saturatedMultiply(long a, long b) {
        long r = a * b;
        return (a != 0 && (r / a != b || r < 0)) ? Long.MAX_VALUE : r;
    }
}
