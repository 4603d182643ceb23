package dev.gatehouse.testing;

/**
 * Decides how a {@link StubBackend} answers one request. Called on the connection's event loop as
 * soon as the request head has arrived; the body has not been read yet and is read only when the
 * behaviour asks for it ({@link StubExchange#readBody(BodyConsumer)},
 * {@link StubExchange#discardBody(Runnable)}) or once it has finished the response. An
 * implementation must not block: it answers at once, or later from a callback or a task
 * scheduled on {@link StubExchange#eventLoop()}.
 *
 * <p>Ready-made behaviours are in {@link StubBehaviors}. A custom one is a lambda:
 * <pre>{@code
 * backend.behavior(exchange -> exchange.discardBody(() -> exchange.respond(
 *         HttpResponseStatus.CREATED, "text/plain", "made " + exchange.path() + "\n")));
 * }</pre>
 */
@FunctionalInterface
public interface StubBehavior {

    /**
     * Handles one request.
     *
     * @param exchange the request and the means to answer it; valid until the response has ended
     */
    void handle(StubExchange exchange);
}
