package dev.gatehouse.core.state;

import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.HostPort;
import java.util.List;

/**
 * An operator's changes to one pool, relative to the config file: backends added and removed, and
 * per-backend overrides (weight, admin state). Kept apart from the config so that a reload of an
 * edited config keeps them, and so that `status` can show where the two differ.
 *
 * @param added     backends the config does not declare
 * @param removed   declared backends taken out
 * @param overrides changes to the weight or admin state of a backend, declared or added
 */
public record PoolRuntime(List<BackendConfig> added, List<HostPort> removed, List<BackendOverride> overrides) {

    /** No change. */
    public static final PoolRuntime NONE = new PoolRuntime(List.of(), List.of(), List.of());

    /** Copies. */
    public PoolRuntime {
        added = added == null ? List.of() : List.copyOf(added);
        removed = removed == null ? List.of() : List.copyOf(removed);
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
    }

    /** The override of a backend, or null. */
    public BackendOverride override(HostPort address) {
        for (BackendOverride o : overrides) {
            if (o.address().equals(address)) {
                return o;
            }
        }
        return null;
    }

    /** Whether it changes nothing. */
    public boolean empty() {
        return added.isEmpty() && removed.isEmpty() && overrides.isEmpty();
    }
}
