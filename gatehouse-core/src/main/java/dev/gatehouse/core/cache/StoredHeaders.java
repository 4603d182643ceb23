package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HeaderView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The header fields of a stored response: an immutable, ordered list of field lines, each a name
 * as received and a value, read case-insensitively through {@link HeaderView} (ASCII letters only
 * fold, as field names are tokens). Core has no codec, so the cache keeps its own; the data plane
 * builds one from its codec's headers with {@link #copyOf} (Netty's {@code HttpHeaders} is an
 * {@code Iterable} of entries) and writes one back by iterating it.
 *
 * <p>Changes return a new instance; an instance is safe to share between threads.
 */
public final class StoredHeaders implements HeaderView, Iterable<Map.Entry<String, String>> {

    /** No fields. */
    public static final StoredHeaders EMPTY = new StoredHeaders(new String[0]);

    /** Names and values alternating: name at 2i, value at 2i + 1. */
    private final String[] lines;

    private StoredHeaders(String[] lines) {
        this.lines = lines;
    }

    /**
     * The given field lines, in order.
     *
     * @param namesAndValues a name, its value, the next name, ...
     * @throws IllegalArgumentException when the count is odd
     * @throws NullPointerException     when any is null
     */
    public static StoredHeaders of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs: " + namesAndValues.length);
        }
        String[] copy = namesAndValues.clone();
        for (String s : copy) {
            Objects.requireNonNull(s, "a field name or value");
        }
        return new StoredHeaders(copy);
    }

    /** The field lines of {@code fields}, in iteration order. */
    public static StoredHeaders copyOf(Iterable<? extends Map.Entry<String, String>> fields) {
        if (fields instanceof StoredHeaders stored) {
            return stored;
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : fields) {
            out.add(Objects.requireNonNull(e.getKey(), "a field name"));
            out.add(Objects.requireNonNull(e.getValue(), "a field value"));
        }
        return new StoredHeaders(out.toArray(new String[0]));
    }

    @Override
    public List<String> all(String name) {
        List<String> values = null;
        for (int i = 0; i < lines.length; i += 2) {
            if (Ascii.equalsIgnoreCase(lines[i], name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(lines[i + 1]);
            }
        }
        return values == null ? List.of() : List.copyOf(values);
    }

    /** These fields and one more line, {@code name: value}, at the end. */
    public StoredHeaders with(String name, String value) {
        String[] more = Arrays.copyOf(lines, lines.length + 2);
        more[lines.length] = Objects.requireNonNull(name, "name");
        more[lines.length + 1] = Objects.requireNonNull(value, "value");
        return new StoredHeaders(more);
    }

    /** These fields without any line named {@code name}; this instance when there is none. */
    public StoredHeaders without(String name) {
        int kept = 0;
        String[] rest = new String[lines.length];
        for (int i = 0; i < lines.length; i += 2) {
            if (!Ascii.equalsIgnoreCase(lines[i], name)) {
                rest[kept++] = lines[i];
                rest[kept++] = lines[i + 1];
            }
        }
        return kept == lines.length ? this : new StoredHeaders(Arrays.copyOf(rest, kept));
    }

    /** The number of field lines. */
    public int size() {
        return lines.length / 2;
    }

    /** The field lines as {@code (name, value)} entries, in order; read-only. */
    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < lines.length;
            }

            @Override
            public Map.Entry<String, String> next() {
                if (i >= lines.length) {
                    throw new NoSuchElementException();
                }
                Map.Entry<String, String> e = Map.entry(lines[i], lines[i + 1]);
                i += 2;
                return e;
            }
        };
    }

    /** Equal when the same lines (names compared as received) come in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StoredHeaders other && Arrays.equals(lines, other.lines);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(lines);
    }

    /** The lines as {@code name: value}, one per line, for tests and logs. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines.length; i += 2) {
            b.append(lines[i]).append(": ").append(lines[i + 1]).append('\n');
        }
        return b.toString();
    }
}
