package dev.gatehouse.core.api;

import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.HostPort;

/**
 * {@code POST /api/v1/pools/{pool}/backends}: {@code {"address": "10.0.0.5:8001", "weight": 1, "version": "v41"}}.
 *
 * @param address {@code host:port} or {@code [ipv6]:port}; required
 * @param weight  1-1000, or null for 1
 * @param version a version label, or null for {@code default}
 */
public record AddBackendRequest(String address, Integer weight, String version) {

    /** The address, checked. */
    public HostPort hostPort() {
        return ApiRequests.backendAddress(address, "address");
    }

    /** The weight, 1 when none was given (its range is checked with the change). */
    public int weightOrDefault() {
        return weight == null ? 1 : weight;
    }

    /**
     * The version, {@code default} when none was given (its form is checked with the change); the
     * admin API uses the pool's live version instead when there is one.
     */
    public String versionOrDefault() {
        return version == null ? BackendConfig.DEFAULT_VERSION : version;
    }
}
