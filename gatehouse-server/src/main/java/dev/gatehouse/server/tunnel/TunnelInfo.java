package dev.gatehouse.server.tunnel;

import dev.gatehouse.core.config.HostPort;
import java.util.Objects;

/**
 * Where a tunnel goes, as the registry counts it.
 *
 * @param pool    the pool name
 * @param backend the backend's address
 * @param version the backend's version label
 * @param holdsSlot whether the tunnel kept its backend slot (the pool's {@code tunnels.hold_slot} when it opened)
 */
public record TunnelInfo(String pool, HostPort backend, String version, boolean holdsSlot) {

    /** Checks that no part is missing. */
    public TunnelInfo {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(version, "version");
    }

    /** A tunnel that holds no backend slot. */
    public TunnelInfo(String pool, HostPort backend, String version) {
        this(pool, backend, version, false);
    }
}
