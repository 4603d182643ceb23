package dev.gatehouse.core.content;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Request headers for tests: a {@link HeaderView} over name-value pairs, names case-insensitive. */
final class Headers {

    private Headers() {
    }

    /** {@code of("If-Match", "\"a\"", "If-Match", "\"b\"")}: pairs, a repeated name is a second field line. */
    static HeaderView of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        Map<String, List<String>> fields = new TreeMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                fields.computeIfAbsent(namesAndValues[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(namesAndValues[i + 1]);
            }
        }
        return name -> List.copyOf(fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    }
}
