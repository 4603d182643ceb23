package dev.gatehouse.core.state;

import java.io.IOException;

/**
 * A save lost a race: a shared store (a fleet's, on etcd) holds another state than the one the
 * change was computed from, written by another node or operator. The change is not applied; the
 * caller gets the state that won, to adopt it and to show it (409), so that a retry starts from it.
 */
public final class StateConflict extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient RuntimeState current;
    private final long revision;
    private final transient Runnable adopted;

    /**
     * @param current  the state in the store now
     * @param revision the store's revision of it (etcd's mod revision)
     * @param adopted  tells the store that {@code current} is now in force on this node, so that its
     *                 next save expects it; not called when the node cannot put it in force, and
     *                 then every save of this node's is refused again
     */
    public StateConflict(RuntimeState current, long revision, Runnable adopted) {
        super("another node changed the fleet's state first (store revision " + revision
                + "): this change was not applied; it may be made again on the current state");
        this.current = current;
        this.revision = revision;
        this.adopted = adopted;
    }

    /** {@link #current()} is in force on this node now. */
    public void adopted() {
        adopted.run();
    }

    /** The state in the store now. */
    public RuntimeState current() {
        return current;
    }

    /** The store's revision of {@link #current()}. */
    public long revision() {
        return revision;
    }
}
