package dev.gatehouse.core.backend;

import dev.gatehouse.core.config.HostPort;
import java.util.Objects;

/**
 * A backend as the data plane routes to it.
 *
 * @param pool    the name of the pool it belongs to
 * @param address where it listens; also its identity within the pool
 * @param weight  relative share of traffic
 * @param version its app version label
 * @param admin   what an operator decided: in service, draining or in maintenance
 */
public record Backend(String pool, HostPort address, int weight, String version, AdminState admin) {

    /** Validates the parts. */
    public Backend {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(admin, "admin");
    }

    /** A backend in service. */
    public Backend(String pool, HostPort address, int weight, String version) {
        this(pool, address, weight, version, AdminState.READY);
    }

    /** A stable identifier, {@code pool/host:port}, used as a map key and in logs. */
    public String id() {
        return pool + "/" + address;
    }
}
