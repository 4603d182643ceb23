package dev.gatehouse.server.proxy;

import dev.gatehouse.core.config.RouteConfig;
import io.netty.handler.codec.http.HttpContent;

/**
 * A route's answer made by the node itself, without a backend: a redirect ({@link RedirectAnswer})
 * or a static file ({@link StaticAnswer}). The exchange hands it what concerns it. Loop-confined.
 */
interface LocalAnswer {

    /**
     * Answers the request, or declines. Set as the exchange's answer before this is called: body
     * parts it asks for may come back through {@link #content} before it returns.
     *
     * @return false when the route's pool is to answer after all (no file, say)
     */
    boolean start();

    /** The answer a route makes itself, or null when its pool answers. */
    static LocalAnswer of(Exchange exchange, ClientSide client, ProxyContext context, RouteConfig route, long contentLength) {
        if (route.redirect() != null) {
            return new RedirectAnswer(exchange, client, route.redirect(), contentLength);
        }
        return route.staticFiles() == null ? null : new StaticAnswer(exchange, client, context, route);
    }

    /** A part of the request body; the answer owns it. */
    void content(HttpContent content);

    /** The client's writability changed: a paused body may go on. */
    default void clientWritabilityChanged() {
    }

    /** The exchange ended (or was cut): give back what is held. Called once; may come before the answer is done. */
    default void release() {
    }
}
