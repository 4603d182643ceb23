package dev.gatehouse.core.admission;

/** How a request that held a backend slot ended. */
public enum Outcome {
    /** The backend answered completely; its latency is a valid sample. */
    SUCCESS,
    /** The backend failed (connect error, reset, timeout, invalid response). */
    FAILURE,
    /** The request ended for a reason that says nothing about the backend (client left, proxy error). */
    DROPPED
}
