package dev.gatehouse.core.limit;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per client address, for {@code limits.max_connections_per_client}. A key is
 * present only while it has at least one connection: the table never holds more keys than there
 * are open connections, so it needs no other bound. Thread-safe and lock-free for different keys.
 *
 * @param <K> the client's address
 */
public final class ConnectionCounts<K> {

    private final ConcurrentHashMap<K, Integer> open = new ConcurrentHashMap<>();

    /**
     * Counts a new connection from {@code key} unless it already has {@code max}.
     *
     * @param max the most connections one key may have; 0 for no limit
     * @return whether the connection is counted (and must be {@linkplain #release released} once
     *         when it closes); false means it must be refused
     */
    public boolean tryAcquire(K key, int max) {
        Objects.requireNonNull(key, "key");
        boolean[] counted = {false};
        open.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            if (max > 0 && now >= max) {
                return n;
            }
            counted[0] = true;
            return now + 1;
        });
        return counted[0];
    }

    /** A counted connection from {@code key} closed; the key is forgotten when its last one closes. */
    public void release(K key) {
        open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Open connections of {@code key} now. */
    public int count(K key) {
        Integer n = open.get(key);
        return n == null ? 0 : n;
    }

    /** Keys with at least one open connection. */
    public int keys() {
        return open.size();
    }
}
