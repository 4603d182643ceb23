package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.budget.PoolKey;

/**
 * What the front door reports as it happens, for the metrics. Called on the front door's event
 * loop: an implementation must be quick and must not block.
 */
public interface FrontDoorEvents {

    /** Reports nothing. */
    FrontDoorEvents NONE = new FrontDoorEvents() {
        @Override
        public void waited(String server, PoolKey pool, long nanos) {
        }

        @Override
        public void errorSent(String server, PoolKey pool, boolean fromServer, String sqlState) {
        }
    };

    /** A client of {@code pool} got a connection after waiting {@code nanos} (0 when one was there). */
    void waited(String server, PoolKey pool, long nanos);

    /**
     * An ErrorResponse went to a client of {@code pool}.
     *
     * @param fromServer whether the server sent it (else the front door did)
     */
    void errorSent(String server, PoolKey pool, boolean fromServer, String sqlState);
}
