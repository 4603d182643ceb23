package dev.gatehouse.core.state;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.HostPort;
import java.util.Objects;

/**
 * An operator's change to a backend the config file declares (or one added at runtime).
 *
 * @param address             the backend
 * @param weight              its weight instead of the declared one, or null
 * @param admin               its admin state instead of ready, or null
 * @param drainDeadlineMillis with {@code admin: drain}, when the drain is forced done (epoch ms),
 *                            or null for no deadline
 */
public record BackendOverride(HostPort address, Integer weight, AdminState admin, Long drainDeadlineMillis) {

    /** Validates the parts. */
    public BackendOverride {
        Objects.requireNonNull(address, "address");
        if (weight != null && (weight < 1 || weight > 1000)) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 1-1000)");
        }
    }

    /** Whether it changes nothing. */
    boolean empty() {
        return weight == null && (admin == null || admin == AdminState.READY);
    }
}
