package dev.gatehouse.core.discovery;

import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.DiscoverConfig;
import dev.gatehouse.core.config.DnsConfig;
import dev.gatehouse.core.config.HostPort;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One {@code discover} entry of a pool as a node resolves it: the backends its last answers gave,
 * and when to ask again. The records' TTL says when (clamped to {@code min_ttl} - {@code max_ttl});
 * a query that gets no answer (a timeout, SERVFAIL, REFUSED) keeps the backends and asks again
 * after a growing backoff; an answer that says the name has no record (NXDOMAIN, no data) empties
 * the backends only once it has said so for {@code hold_empty}. No I/O; times are the caller's
 * monotonic nanoseconds. Used by one thread.
 */
public final class DiscoveredName {

    private static final long SECOND = 1_000_000_000L;
    /** The longest backoff between failed queries, within {@code max_ttl}. */
    private static final long MAX_BACKOFF = 30 * SECOND;
    private static final long NONE = Long.MIN_VALUE;

    private final DiscoverConfig entry;
    private final DnsConfig dns;
    private List<BackendConfig> backends = List.of();
    private long dueNanos;
    private boolean asked;
    private long emptySince = NONE;
    private int failures;

    /** A name not asked yet: due at once. */
    public DiscoveredName(DiscoverConfig entry, DnsConfig dns) {
        this.entry = Objects.requireNonNull(entry, "entry");
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /**
     * A backend an answer names.
     *
     * @param ip     its address, as text
     * @param port   its port
     * @param weight its weight (SRV), or 0 for the entry's
     */
    public record Target(String ip, int port, int weight) {
    }

    /** The entry. */
    public DiscoverConfig entry() {
        return entry;
    }

    /** The backends as the last answers say, sorted by address; empty before the first. */
    public List<BackendConfig> backends() {
        return backends;
    }

    /** Whether it is time to ask. */
    public boolean due(long nowNanos) {
        return !asked || nowNanos - dueNanos >= 0;
    }

    /** When the next query is due. */
    public long dueNanos() {
        return dueNanos;
    }

    /**
     * An answer with records.
     *
     * @param targets    the backends they name; none is the same as {@link #empty}
     * @param ttlSeconds the smallest TTL of the records used
     * @return whether the backends changed
     */
    public boolean answered(List<Target> targets, long ttlSeconds, long nowNanos) {
        if (targets.isEmpty()) {
            return empty(nowNanos);
        }
        asked = true;
        failures = 0;
        emptySince = NONE;
        long ttl = Math.max(dns.minTtl().toNanos(), Math.min(dns.maxTtl().toNanos(), Math.max(0, ttlSeconds) * SECOND));
        dueNanos = nowNanos + ttl;
        List<BackendConfig> next = targets.stream()
                .map(t -> new BackendConfig(new HostPort(t.ip(), t.port()), t.weight() > 0 ? Math.min(1000, t.weight())
                        : entry.weight(), entry.version()))
                .collect(java.util.stream.Collectors.toMap(BackendConfig::address, b -> b, (a, b) -> a))
                .values().stream().sorted(Comparator.comparing(b -> b.address().toString())).toList();
        boolean changed = !next.equals(backends);
        backends = next;
        return changed;
    }

    /**
     * An answer that the name has no record: the backends stay until answers have said so for
     * {@code hold_empty}, then are none.
     *
     * @return whether the backends changed
     */
    public boolean empty(long nowNanos) {
        asked = true;
        failures = 0;
        long minTtl = dns.minTtl().toNanos();
        dueNanos = nowNanos + minTtl;
        if (backends.isEmpty()) {
            return false;
        }
        if (emptySince == NONE) {
            emptySince = nowNanos;
        }
        if (nowNanos - emptySince >= dns.holdEmpty().toNanos()) {
            backends = List.of();
            emptySince = NONE;
            return true;
        }
        // Asked again when the hold ends, if that is sooner than min_ttl.
        dueNanos = nowNanos + Math.min(minTtl, Math.max(1, emptySince + dns.holdEmpty().toNanos() - nowNanos));
        return false;
    }

    /**
     * No answer: the backends stay; asked again after 1, 2, 4... s (at least {@code min_ttl}, at most
     * 30 s and {@code max_ttl}).
     */
    public void failed(long nowNanos) {
        asked = true;
        failures++;
        long backoff = SECOND << Math.min(failures - 1, 5);
        backoff = Math.max(dns.minTtl().toNanos(), Math.min(Math.min(MAX_BACKOFF, dns.maxTtl().toNanos()), backoff));
        dueNanos = nowNanos + backoff;
    }

    /** How many queries in a row got no answer. */
    public int failures() {
        return failures;
    }
}
