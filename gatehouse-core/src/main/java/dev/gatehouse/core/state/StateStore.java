package dev.gatehouse.core.state;

import java.io.IOException;

/**
 * Where a node keeps its {@link RuntimeState} across restarts: a file written atomically on one
 * node, or etcd for a fleet (module gatehouse-fleet). Called by the control plane only, one change
 * at a time.
 */
public interface StateStore {

    /** A store that keeps nothing: runtime changes last until the process ends. */
    StateStore NONE = new StateStore() {
        @Override
        public RuntimeState load() {
            return RuntimeState.EMPTY;
        }

        @Override
        public void save(RuntimeState state) {
        }

        @Override
        public String describe() {
            return "not kept (no state file)";
        }
    };

    /**
     * The state last saved, or {@link RuntimeState#EMPTY} when none was.
     *
     * @throws IOException when the stored state exists but cannot be read or parsed; a node must
     *                     not start with less than its operators decided
     */
    RuntimeState load() throws IOException;

    /**
     * Saves the state durably: when this returns, a crash loses nothing, and a crash during it
     * leaves the previous state whole.
     */
    void save(RuntimeState state) throws IOException;

    /** Where the state is kept, for logs and status. */
    String describe();

    /**
     * Whether other nodes share this store (a fleet's): then a node starting up must not rewrite
     * the state to suit itself (finish a deploy another node runs, drop pools its own config
     * lacks); it takes the state as the fleet has it.
     */
    default boolean shared() {
        return false;
    }
}
