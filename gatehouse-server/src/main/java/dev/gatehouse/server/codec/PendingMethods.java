package dev.gatehouse.server.codec;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayDeque;

/**
 * The methods of the requests decoded and not answered yet, oldest first: the decoder adds, the
 * encoder takes one per final response. A response to HEAD has no body whatever its headers say
 * (RFC 9110 §9.3.2), and only the request tells. Bounded, as HttpServerCodec bounds it. Used by
 * one connection's decoder and encoder, on its event loop.
 */
final class PendingMethods {

    /** The most requests a client may have decoded ahead of their responses. */
    static final int MAX = 128;

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

    /** Adds a decoded request's method; false when {@link #MAX} are already waiting. */
    boolean add(HttpMethod method) {
        if (methods.size() >= MAX) {
            return false;
        }
        methods.add(method);
        return true;
    }

    /** The method of the oldest unanswered request, or null when none was decoded (an error before any). */
    HttpMethod poll() {
        return methods.poll();
    }
}
