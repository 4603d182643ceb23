package dev.gatehouse.core.api;

import dev.gatehouse.core.deploy.DeployMode;
import java.time.Duration;

/**
 * {@code POST /api/v1/pools/{pool}/rollback}: an empty body, or {@code {"mode": "strict", "hold_timeout": "10s"}}.
 *
 * @param mode        {@code fast} or {@code strict}, or null for fast
 * @param holdTimeout strict mode: the longest hold of new requests, or null for 10 s
 */
public record RollbackRequest(String mode, String holdTimeout) {

    /** The mode, fast when none is given. */
    public DeployMode modeOrDefault() {
        return ApiRequests.mode(mode, "mode");
    }

    /** A strict rollback's hold timeout. */
    public Duration holdTimeoutOrDefault() {
        return ApiRequests.duration(holdTimeout, "hold_timeout", DeployRequest.HOLD_TIMEOUT);
    }
}
