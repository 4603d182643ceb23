package dev.gatehouse.bench.scenario;

/**
 * Command-line value checks for the scenario mains (this package and {@code dev.gatehouse.bench.chaos}),
 * with messages in the project's grammar: {@code --rate: "x" (expected: a number > 0)}.
 */
public final class Args {

    private Args() {
    }

    /**
     * The error for a bad value.
     *
     * @param name the option, e.g. {@code --rate}
     * @param value the value given, or null when missing
     * @param expected what was expected, e.g. {@code a number > 0}
     * @return the exception to throw
     */
    public static IllegalArgumentException fail(String name, String value, String expected) {
        String shown = value == null ? "(missing)" : "\"" + value + "\"";
        return new IllegalArgumentException(name + ": " + shown + " (expected: " + expected + ")");
    }

    /**
     * Parses an integer within bounds.
     *
     * @param name the option
     * @param value the text
     * @param min the least allowed
     * @param max the most allowed
     * @return the value
     * @throws IllegalArgumentException when it is not an integer in range
     */
    public static int intIn(String name, String value, int min, int max) {
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

    /**
     * Parses an integer of at least 1.
     *
     * @param name the option
     * @param value the text
     * @return the value
     */
    public static int positiveInt(String name, String value) {
        return intIn(name, value, 1, Integer.MAX_VALUE);
    }

    /**
     * Parses an integer of at least 0.
     *
     * @param name the option
     * @param value the text
     * @return the value
     */
    public static int nonNegativeInt(String name, String value) {
        return intIn(name, value, 0, Integer.MAX_VALUE);
    }

    /**
     * Parses a finite number above 0.
     *
     * @param name the option
     * @param value the text
     * @return the value
     */
    public static double positiveDouble(String name, String value) {
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

    /** A share from 0 to 1 ({@code 0.25}). */
    public static double share(String name, String value) {
        try {
            double v = Double.parseDouble(value == null ? "" : value.trim());
            if (v >= 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail(name, value, "a number from 0 to 1");
    }
}
