package dev.gatehouse.server.proxy;

/** Where an {@link Exchange} is; it only moves forward, except that a retry goes back to {@code QUEUED} or {@code CONNECTING}. */
enum ExchangeState {
    /** The request head is being checked and routed. */
    HEAD,
    /** Reading the request body before asking for a slot ({@link BodyIntake}). */
    BUFFERING,
    /** Waiting in the pool's queue for a backend slot. */
    QUEUED,
    /** A backend slot is held; the connection is being acquired. */
    CONNECTING,
    /** The request is being sent; the response head may already be awaited. */
    SENDING,
    /** The whole request was sent; waiting for the response head. */
    AWAITING_HEAD,
    /** The response head went to the client; its body is streaming. */
    STREAMING,
    /**
     * The route answers by itself, without a backend: a redirect (a small request body is read and
     * dropped first, so that the connection can carry the next request; {@link RedirectAnswer}), or
     * a static file ({@link StaticAnswer}).
     */
    LOCAL,
    /** The backend switched protocols ({@code 101}): the connections are a tunnel until one side ends it. */
    TUNNEL,
    /** Ended; nothing more happens. */
    DONE
}
