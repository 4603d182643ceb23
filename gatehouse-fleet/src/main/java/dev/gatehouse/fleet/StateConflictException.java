package dev.gatehouse.fleet;

import dev.gatehouse.core.state.RuntimeState;
import java.io.IOException;

/**
 * A save lost a race: the fleet's state changed in etcd since the state it was computed from. The
 * change is not applied; the caller gets the state that won, to show it (409) or to retry on it.
 */
public final class StateConflictException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient RuntimeState current;
    private final long revision;

    StateConflictException(RuntimeState current, long revision) {
        super("the fleet's state changed since it was read (now at etcd revision " + revision + "): the change was not applied");
        this.current = current;
        this.revision = revision;
    }

    /** The state in etcd now. */
    public RuntimeState current() {
        return current;
    }

    /** The etcd revision at which it was written. */
    public long revision() {
        return revision;
    }
}
