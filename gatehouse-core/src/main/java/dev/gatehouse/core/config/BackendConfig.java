package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * One backend of a pool as the config file declares it.
 *
 * @param address where the backend listens
 * @param weight  share of traffic relative to the pool's other backends, 1-1000 (round robin ignores it)
 * @param version the app version label, e.g. {@code v41} or a git sha
 */
public record BackendConfig(HostPort address, int weight, String version) {

    /** The version label of a backend that declares none. */
    public static final String DEFAULT_VERSION = "default";

    /** Validates the parts. */
    public BackendConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(version, "version");
        if (weight < 1 || weight > 1000) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1-1000)");
        }
    }
}
