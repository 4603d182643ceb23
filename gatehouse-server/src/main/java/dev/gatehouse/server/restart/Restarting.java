package dev.gatehouse.server.restart;

/**
 * A runtime change, reload or deploy refused while the node hands over to a new process: the new
 * process has read the state file, so a change now would be lost. The admin API answers 409.
 */
public final class Restarting extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public Restarting() {
        super("the node is restarting (a new process is taking over); nothing changed (expected: retry once it serves)",
                null, false, false);
    }
}
