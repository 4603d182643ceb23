package dev.gatehouse.testing;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Ready-made {@link StubBehavior}s: the standard app and the faults a proxy must survive.
 * Behaviours that answer do so after reading the whole request body unless said otherwise.
 */
public final class StubBehaviors {

    /**
     * How many bytes the {@code Content-Length} of {@link #closeMidBody(long)} and
     * {@link #stallMidBody(long)} promises beyond those they send.
     */
    public static final long TRUNCATION_GAP = 1024;

    private StubBehaviors() {
    }

    /**
     * The default app, routing by path. Every response carries {@code X-Backend: <name>}; HEAD
     * gets the head (with {@code Content-Length}) and no body.
     * <ul>
     *   <li>{@code /download?bytes=N[&chunked=true]}: N {@link DeterministicBytes}, with
     *       {@code Content-Length} unless {@code chunked=true}, written only as fast as the peer
     *       reads.</li>
     *   <li>{@code /upload} (any method): reads the body, answers {@code 200} JSON
     *       {@code {"bytes":N,"sha256":"hex"}}.</li>
     *   <li>{@code /echo}: streams the request body back as it arrives, with the request's
     *       {@code Content-Type}; {@code Content-Length} if the request had one, else chunked.
     *       The response head is sent before the body is read.</li>
     *   <li>{@code /status/NNN} (200-599): that status with a short text body.</li>
     *   <li>{@code /delay/MS}: the default answer, MS milliseconds after the body arrived
     *       (scheduled on the event loop).</li>
     *   <li>{@code /headers}: JSON of the request headers, lowercase name to list of values.</li>
     *   <li>anything else: {@code 200 text/plain} body {@code "<name>\n"}.</li>
     * </ul>
     * It ignores {@code Expect: 100-continue} (a client then sends the body after its own
     * timeout); {@link #expectContinue(int)} honours it.
     *
     * @param name the name to answer with
     * @return the behaviour
     */
    public static StubBehavior standard(String name) {
        return new StandardBehavior(Objects.requireNonNull(name, "name"));
    }

    /**
     * Answers every request with a fixed status and text body.
     *
     * @param status the status code
     * @param body the body, in UTF-8
     * @return the behaviour
     */
    public static StubBehavior text(int status, String body) {
        HttpResponseStatus s = HttpResponseStatus.valueOf(checkFinalStatus(status, "status"));
        Objects.requireNonNull(body, "body");
        return ex -> ex.discardBody(() -> ex.respond(s, StandardBehavior.TEXT_PLAIN, body));
    }

    /**
     * Waits, then behaves like {@code then}. The request body is not read during the wait, as
     * with a backend that is busy before it gets to the request.
     *
     * @param delay how long to wait, on the event loop (no thread sleeps)
     * @param then what to do afterwards
     * @return the behaviour
     */
    public static StubBehavior delay(Duration delay, StubBehavior then) {
        Objects.requireNonNull(then, "then");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
        }
        long nanos = delay.toNanos();
        return ex -> ex.eventLoop().schedule(() -> handleSafely(then, ex), nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Reads the request head and never answers. The request is recorded when its head arrives
     * (body not read); the stub then reads and drops everything until the peer closes.
     *
     * @return the behaviour
     */
    public static StubBehavior hang() {
        return StubExchange::neverComplete;
    }

    /**
     * Closes the connection as soon as the request head arrives, without a response. The
     * request is recorded (body not read).
     *
     * @return the behaviour
     */
    public static StubBehavior closeImmediately() {
        return StubExchange::closeConnection;
    }

    /**
     * Sends a {@code 200} head whose {@code Content-Length} is {@value #TRUNCATION_GAP} more than
     * {@code bytesBeforeClose}, sends that many {@link DeterministicBytes}, then closes.
     *
     * @param bytesBeforeClose how many body bytes to send
     * @return the behaviour
     */
    public static StubBehavior closeMidBody(long bytesBeforeClose) {
        return truncated(bytesBeforeClose, StubExchange::closeConnection);
    }

    /**
     * Like {@link #closeMidBody(long)}, but then keeps the connection open and silent (reading
     * and dropping whatever the peer sends) until the peer closes it.
     *
     * @param bytesBeforeStall how many body bytes to send
     * @return the behaviour
     */
    public static StubBehavior stallMidBody(long bytesBeforeStall) {
        return truncated(bytesBeforeStall, StubExchange::neverComplete);
    }

    /**
     * Writes these exact bytes as the response (no HTTP encoding, no {@code X-Backend}), then
     * closes the connection; for malformed-response tests.
     *
     * @param bytes the response bytes; copied
     * @return the behaviour
     */
    public static StubBehavior raw(byte[] bytes) {
        byte[] copy = bytes.clone();
        return ex -> ex.discardBody(() -> ex.writeRawAndClose(Unpooled.wrappedBuffer(copy)));
    }

    /**
     * Honours {@code Expect: 100-continue}: with {@code finalStatusIfRejected == 0} it sends
     * {@code 100 Continue} and then behaves like {@link #standard(String)}; otherwise it answers
     * that final status at once, with {@code Connection: close}, without reading the body (the
     * request is recorded with the body not read) and closes the connection. Requests without
     * the expectation get {@link #standard(String)}.
     *
     * @param finalStatusIfRejected 0 to accept, or the final status to reject with (e.g. 417)
     * @return the behaviour
     */
    public static StubBehavior expectContinue(int finalStatusIfRejected) {
        return expectContinue(finalStatusIfRejected, ex -> standard(ex.backendName()).handle(ex));
    }

    /**
     * Like {@link #expectContinue(int)}, with another behaviour for accepted requests and those
     * without the expectation.
     *
     * @param finalStatusIfRejected 0 to accept, or the final status to reject with
     * @param then the behaviour after {@code 100 Continue}
     * @return the behaviour
     */
    public static StubBehavior expectContinue(int finalStatusIfRejected, StubBehavior then) {
        Objects.requireNonNull(then, "then");
        if (finalStatusIfRejected != 0) {
            checkFinalStatus(finalStatusIfRejected, "finalStatusIfRejected");
        }
        return ex -> {
            if (!HttpUtil.is100ContinueExpected(ex.request())) {
                then.handle(ex);
            } else if (finalStatusIfRejected == 0) {
                ex.sendContinue();
                then.handle(ex);
            } else {
                ex.closeAfterResponse();
                ex.respond(HttpResponseStatus.valueOf(finalStatusIfRejected), StandardBehavior.TEXT_PLAIN,
                        "expectation rejected\n");
            }
        };
    }

    private static StubBehavior truncated(long bytesSent, Consumer<StubExchange> afterwards) {
        if (bytesSent < 0) {
            throw new IllegalArgumentException("bytes: " + bytesSent + " (expected: >= 0)");
        }
        return ex -> ex.discardBody(() -> {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            HttpUtil.setContentLength(head, bytesSent + TRUNCATION_GAP);
            ex.writeHead(head);
            Future<Void> sent = ex.writeDeterministicBody(bytesSent);
            sent.addListener(f -> afterwards.accept(ex));
        });
    }

    private static void handleSafely(StubBehavior behavior, StubExchange ex) {
        try {
            behavior.handle(ex);
        } catch (RuntimeException e) {
            // The handler's own guard does not cover tasks scheduled later; fail the same way.
            ex.closeConnection();
            throw e;
        }
    }

    private static int checkFinalStatus(int status, String what) {
        if (status < 200 || status > 999) {
            throw new IllegalArgumentException(what + ": " + status + " (expected: 200-999)");
        }
        return status;
    }
}
