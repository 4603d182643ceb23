package dev.gatehouse.server.proxy;

import io.netty.handler.codec.http.HttpContent;

/**
 * A route's answer made by the node itself, without a backend: a redirect ({@link RedirectAnswer})
 * or a static file ({@link StaticAnswer}). The exchange hands it what concerns it. Loop-confined.
 */
interface LocalAnswer {

    /** A part of the request body; the answer owns it. */
    void content(HttpContent content);

    /** The client's writability changed: a paused body may go on. */
    default void clientWritabilityChanged() {
    }

    /** The exchange ended (or was cut): give back what is held. Called once; may come before the answer is done. */
    default void release() {
    }
}
