package dev.gatehouse.postgres.extended;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The statements prepared on one server connection under the front door's own names
 * ({@code gh_1}, {@code gh_2}, ...), least recently used first, at most {@code capacity} of them.
 *
 * <p>Not thread-safe: a server connection is used by one client at a time, on its event loop.
 */
public final class ServerStatements {

    private final int capacity;
    private final LinkedHashMap<StatementKey, String> names = new LinkedHashMap<>(16, 0.75f, true);
    private long next;

    /** An empty cache of at most {@code capacity} statements. */
    public ServerStatements(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** The server's name for {@code key}, or null when not prepared here; marks it used. */
    public String nameOf(StatementKey key) {
        return names.get(key);
    }

    /**
     * Names {@code key} as prepared here under a new name.
     *
     * @return the new name, and the name of the least recently used statement that must be
     *     closed on the server to stay within the capacity (or null)
     */
    public Added add(StatementKey key) {
        String name = "gh_" + (++next);
        names.put(key, name);
        String evicted = null;
        if (names.size() > capacity) {
            Map.Entry<StatementKey, String> eldest = names.entrySet().iterator().next();
            evicted = eldest.getValue();
            names.remove(eldest.getKey());
        }
        return new Added(name, evicted);
    }

    /** Forgets {@code key} (its Parse failed, or was skipped). */
    public void remove(StatementKey key, String name) {
        names.remove(key, name);
    }

    /** Forgets everything: the server dropped all its statements (DISCARD ALL, DEALLOCATE ALL). */
    public void clear() {
        names.clear();
    }

    /** How many statements are prepared here. */
    public int size() {
        return names.size();
    }

    /**
     * A statement just named.
     *
     * @param name its name on the server
     * @param evicted a statement to close on the server, or null
     */
    public record Added(String name, String evicted) {}
}
