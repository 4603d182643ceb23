package dev.gatehouse.bench.scenario;

/** Command-line value checks for the scenario mains, with messages in the project's grammar. */
final class Args {

    private Args() {
    }

    static IllegalArgumentException fail(String name, String value, String expected) {
        String shown = value == null ? "(missing)" : "\"" + value + "\"";
        return new IllegalArgumentException(name + ": " + shown + " (expected: " + expected + ")");
    }

    static int intIn(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value == null ? "" : value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail(name, value, "an integer " + min + "-" + max);
    }

    static int positiveInt(String name, String value) {
        return intIn(name, value, 1, Integer.MAX_VALUE);
    }

    static int nonNegativeInt(String name, String value) {
        return intIn(name, value, 0, Integer.MAX_VALUE);
    }

    static double positiveDouble(String name, String value) {
        try {
            double v = Double.parseDouble(value == null ? "" : value.trim());
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail(name, value, "a number > 0");
    }
}
