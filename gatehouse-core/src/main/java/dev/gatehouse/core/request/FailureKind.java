package dev.gatehouse.core.request;

/** Why a try failed, as far as retrying is concerned. */
public enum FailureKind {
    /** Provably not sent (connect failed, or nothing reached the socket): any method may retry. */
    NOT_SENT,
    /** The connection broke before a response, after some of the request was written. */
    MAYBE_SENT,
    /** No response head within the try's timeout. */
    TIMEOUT,
    /** A response whose status is in {@code retries.on_status}. */
    STATUS
}
