package dev.gatehouse.server;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.state.DeployRecord;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateStore;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The runtime state a node starts from: the stored one, made to fit the configuration it starts with. */
final class RestoredState {

    // Logged under the server's name, as before this class existed.
    private static final Logger LOG = LoggerFactory.getLogger(GatehouseServer.class);

    private RestoredState() {
    }

    /**
     * Reads {@code store}, drops the changes to pools that are gone from {@code config}, and finishes a
     * deploy the node was in the middle of when it stopped (one way or the other: the state's
     * records say which). When that changed anything, the result is saved before it is returned.
     *
     * @throws IOException when the stored state cannot be read or the result cannot be saved
     */
    static RuntimeState load(StateStore store, GatehouseConfig config) throws IOException {
        if (store.shared()) {
            return shared(store, config);
        }
        // Runtime changes to pools that are gone from the config no longer apply.
        RuntimeState loaded = RuntimeChanges.reconcile(store.load(), config);
        // A deploy the node was in the middle of when it stopped is finished one way or the other,
        // and the state file says which.
        RuntimeState state = RuntimeChanges.resolveDeploys(loaded, config);
        if (state != loaded) {
            store.save(state);
            state.deploys().forEach((pool, d) -> {
                if (loaded.deploy(pool) != null && loaded.deploy(pool).status() == DeployRecord.Status.RUNNING) {
                    LOG.warn("pool {}: the deploy of {} was interrupted by a restart: {}", pool, d.to(), d.detail());
                }
            });
        }
        return state;
    }

    /**
     * A fleet's state is taken as it is: a deploy in it may be running on another node, and pools
     * this node's config lacks are another config's mistake, not a reason to drop them for every
     * node. Only this node's copy leaves out what it cannot serve; nothing is saved.
     */
    private static RuntimeState shared(StateStore store, GatehouseConfig config) throws IOException {
        RuntimeState stored = store.load();
        RuntimeState fitted = RuntimeChanges.reconcile(stored, config);
        if (!fitted.equals(stored)) {
            LOG.warn("the fleet's state has changes to pools this node's config does not declare; this node leaves them out "
                    + "(give every node of the fleet the same pools)");
        }
        return fitted;
    }
}
