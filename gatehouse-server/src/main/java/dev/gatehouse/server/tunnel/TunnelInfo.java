package dev.gatehouse.server.tunnel;

import dev.gatehouse.core.config.HostPort;
import java.util.Objects;

/**
 * Where a tunnel goes, as the registry counts it.
 *
 * @param pool    the pool name
 * @param backend the backend's address
 * @param version the backend's version label
 */
public record TunnelInfo(String pool, HostPort backend, String version) {

    /** Checks that no part is missing. */
    public TunnelInfo {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(version, "version");
    }
}
