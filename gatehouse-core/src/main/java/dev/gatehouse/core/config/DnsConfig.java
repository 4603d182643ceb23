package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@code dns} section: how the pools' {@code discover} names are resolved.
 *
 * @param servers   the DNS servers asked, in order; empty for the system's ({@code /etc/resolv.conf})
 * @param timeout   how long one query may take before the next server is asked
 * @param minTtl    the shortest time an answer is used before it is asked again (a TTL of 0 or 1
 *                  s would otherwise mean a query per name every second or less)
 * @param maxTtl    the longest (a day-long TTL would hide a change for a day)
 * @param holdEmpty how long a name that had backends keeps them while every answer says it has
 *                  none (NXDOMAIN, or no record): a record removed by mistake does not empty a pool
 *                  at once
 */
public record DnsConfig(List<HostPort> servers, Duration timeout, Duration minTtl, Duration maxTtl, Duration holdEmpty) {

    /** Defaults: the system's servers, 2 s, TTLs clamped to 1 s - 5 min, 30 s of hold. */
    public static final DnsConfig DEFAULTS = new DnsConfig(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofMinutes(5), Duration.ofSeconds(30));

    /** Validates and copies. */
    public DnsConfig {
        servers = List.copyOf(servers);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(minTtl, "minTtl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(holdEmpty, "holdEmpty");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: " + timeout.toMillis() + "ms (expected: more than 0)");
        }
        if (minTtl.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("min_ttl: " + minTtl.toMillis() + "ms (expected: at least 100ms)");
        }
        if (maxTtl.compareTo(minTtl) < 0) {
            throw new IllegalArgumentException("max_ttl: " + maxTtl.toMillis() + "ms (expected: at least min_ttl, "
                    + minTtl.toMillis() + "ms)");
        }
    }
}
