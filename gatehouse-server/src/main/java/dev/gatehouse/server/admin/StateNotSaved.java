package dev.gatehouse.server.admin;

import java.io.IOException;

/** A change that could not be made because the state file could not be written; nothing changed (500). */
final class StateNotSaved extends RuntimeException {

    private static final long serialVersionUID = 1L;

    StateNotSaved(IOException cause) {
        super("the state could not be saved, so nothing changed: " + cause.getMessage(), cause);
    }
}
