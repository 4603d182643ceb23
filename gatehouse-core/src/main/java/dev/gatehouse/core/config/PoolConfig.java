package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * A named group of backends serving the same app.
 *
 * @param name      the pool's name, as routes refer to it
 * @param strategy  how requests are spread over the backends
 * @param backends  the backends, possibly empty (requests then get 503)
 * @param hash      the key of {@code consistent-hash} (and {@code sticky: hash})
 * @param admission concurrency limits, queue and slow lane
 * @param sticky    session persistence, or null for none
 * @param health    health checks, outlier detection, slow start and panic
 * @param retry     retries to another backend
 * @param tunnels   upgraded connections (WebSocket): at cutovers and drains, idle, backend slots
 * @param tls       TLS to the backends ({@link BackendTlsConfig#OFF} for plain HTTP)
 * @param discover  names whose DNS records are more backends, re-resolved on their TTL (often none)
 */
public record PoolConfig(String name, Strategy strategy, List<BackendConfig> backends, HashConfig hash,
                         AdmissionConfig admission, StickyConfig sticky, HealthConfig health, RetryConfig retry,
                         TunnelsConfig tunnels, BackendTlsConfig tls, List<DiscoverConfig> discover) {

    /** A pool without DNS discovery. */
    public PoolConfig(String name, Strategy strategy, List<BackendConfig> backends, HashConfig hash,
                      AdmissionConfig admission, StickyConfig sticky, HealthConfig health, RetryConfig retry,
                      TunnelsConfig tunnels, BackendTlsConfig tls) {
        this(name, strategy, backends, hash, admission, sticky, health, retry, tunnels, tls, List.of());
    }

    /** The same pool with other backends (those found in DNS added to the declared ones, say). */
    public PoolConfig withBackends(List<BackendConfig> others) {
        return new PoolConfig(name, strategy, others, hash, admission, sticky, health, retry, tunnels, tls, discover);
    }

    /** Validates and copies. */
    public PoolConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(strategy, "strategy");
        backends = List.copyOf(backends);
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(tunnels, "tunnels");
        Objects.requireNonNull(tls, "tls");
        discover = discover == null ? List.of() : List.copyOf(discover);
        // A backend named twice would get twice its share and one load counted twice; the config
        // loader reports it with its path, this catches a snapshot built from a hand-edited state file.
        java.util.Map<HostPort, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < backends.size(); i++) {
            HostPort a = backends.get(i).address();
            Integer other = seen.putIfAbsent(new HostPort(a.host().toLowerCase(java.util.Locale.ROOT), a.port()), i);
            if (other != null) {
                throw new IllegalArgumentException("backends[" + i + "].address: \"" + a
                        + "\" (expected: an address not already used by backends[" + other + "])");
            }
        }
        if (sticky != null && sticky.mode() == StickyConfig.Mode.HASH && strategy != Strategy.CONSISTENT_HASH) {
            throw new IllegalArgumentException("sticky: hash with strategy " + strategy.configName()
                    + " (expected: strategy consistent-hash)");
        }
    }

    /** A pool without TLS to its backends. */
    public PoolConfig(String name, Strategy strategy, List<BackendConfig> backends, HashConfig hash,
                      AdmissionConfig admission, StickyConfig sticky, HealthConfig health, RetryConfig retry,
                      TunnelsConfig tunnels) {
        this(name, strategy, backends, hash, admission, sticky, health, retry, tunnels, BackendTlsConfig.OFF);
    }

    /** A pool with the default handling of tunnels. */
    public PoolConfig(String name, Strategy strategy, List<BackendConfig> backends, HashConfig hash,
                      AdmissionConfig admission, StickyConfig sticky, HealthConfig health, RetryConfig retry) {
        this(name, strategy, backends, hash, admission, sticky, health, retry, TunnelsConfig.DEFAULTS);
    }

    /** A pool with default health handling and retries. */
    public PoolConfig(String name, Strategy strategy, List<BackendConfig> backends, HashConfig hash,
                      AdmissionConfig admission, StickyConfig sticky) {
        this(name, strategy, backends, hash, admission, sticky, HealthConfig.DEFAULTS, RetryConfig.DEFAULTS);
    }

    /** A pool with default hashing, no admission control, no stickiness, default health handling and retries. */
    public PoolConfig(String name, Strategy strategy, List<BackendConfig> backends) {
        this(name, strategy, backends, HashConfig.DEFAULTS, AdmissionConfig.UNLIMITED, null);
    }
}
