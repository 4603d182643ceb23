package dev.gatehouse.postgres.frontdoor;

/**
 * Session mode, one client: what its server connection still owes, so that the connection is
 * reset and handed on only when nothing of this client's can still come (transaction mode has
 * the {@code ResponseSequencer} for this). Counts the client's messages a ReadyForQuery answers
 * and the answers to the front door's own queries, which the client must not see.
 */
final class SessionModeAnswers {

    /** Answers (each ended by a ReadyForQuery) to the front door's own queries still to drop. */
    private int toDrop;
    /**
     * The client's Query, Sync and FunctionCall messages whose ReadyForQuery has not come yet. The
     * last status seen is stale while any is out: a reset sent then would be answered after them,
     * and the connection released at their ReadyForQuery with the reset's answers still to come
     * (they would reach the next client).
     */
    private int unanswered;
    /** Extended-protocol messages were sent since the last Sync. */
    private boolean unsynced;

    /** The client sent a message of {@code type} to the server. */
    void sent(char type) {
        switch (type) {
            case 'Q', 'F' -> unanswered++;
            case 'S' -> {
                unanswered++;
                unsynced = false;
            }
            case 'P', 'B', 'E', 'D', 'C' -> unsynced = true;
            default -> { }
        }
    }

    /** The front door sent a query of its own: its answer is not the client's. */
    void sentOwn() {
        toDrop++;
    }

    /** A message of {@code type} came from the server: whether it goes to the client. */
    boolean forward(char type) {
        if (toDrop > 0) {
            if (type == 'Z') {
                toDrop--;
            }
            return false;
        }
        if (type == 'Z' && unanswered > 0) {
            unanswered--;
        }
        return true;
    }

    /** Nothing is owed: a ReadyForQuery's status is current and the connection may be reset. */
    boolean quiet() {
        return toDrop == 0 && unanswered == 0 && !unsynced;
    }
}
