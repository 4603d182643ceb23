package dev.gatehouse.core.state;

import java.io.IOException;

/**
 * A save whose outcome is not known: the shared store did not answer in time, and the change may
 * still be applied. The node follows the store's state either way (a change that did apply comes
 * back through the watch); the caller must read the state before trying again.
 */
public final class StateOutcomeUnknown extends IOException {

    private static final long serialVersionUID = 1L;

    /** With the store's error. */
    public StateOutcomeUnknown(String message, Throwable cause) {
        super(message, cause);
    }
}
