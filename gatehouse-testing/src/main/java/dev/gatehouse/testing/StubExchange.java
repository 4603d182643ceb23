package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes. An exchange has two halves that end independently. The request half: the body is
 * read only once a consumer is registered (readBody/discardBody, or automatically once the
 * response has ended), paused while the consumer's future is pending, and complete at the
 * LastHttpContent, when the request is recorded (before the consumer's onEnd, so before any
 * response to it). The response half: writeHead or respond, then end. The exchange is finished
 * when both halves are done, or at once when it gives up (closeConnection, neverComplete,
 * writeRawAndClose, closeAfterResponse); then the connection handler moves on or closes. A
 * request given up on before its body completed is recorded with the body "not read". Every
 * field is confined to the channel's event loop, which checkInEventLoop enforces on the public
 * methods.
 */

/**
 * One request/response on a stub connection, as a {@link StubBehavior} sees it: the request head,
 * the body on demand ({@link #readBody}), and the means to answer ({@link #respond},
 * {@link #writeHead} / {@link #writeBody} / {@link #end}, or a fault such as
 * {@link #closeConnection()}).
 *
 * <p>Every method must be called on the connection's event loop ({@link #eventLoop()}); behaviours
 * and the callbacks they register run there already.
 *
 * <p>Keep-alive follows HTTP/1.1: the connection stays open after the response unless the request
 * asked to close it, the request is HTTP/1.0 without {@code Connection: keep-alive}, the response
 * says {@code Connection: close}, or the response is delimited by closing the connection (no
 * {@code Content-Length}, not chunked). The next request on the connection is read only after this
 * one's response has ended and its body has been read to the end (the stub discards whatever the
 * behaviour did not read).
 *
 * <p>Every response carries {@code X-Backend: <backend name>} unless the behaviour set it.
 */
public final class StubExchange extends StubRequestView {

    private static final Logger log = LoggerFactory.getLogger(StubExchange.class);

    private final StubConnectionHandler connection;
    private final ChannelHandlerContext ctx;
    private final StubRequestBody body;
    private boolean recorded;

    private boolean headWritten;
    private boolean noBody;
    private boolean responseEnded;
    private boolean keepAlive;
    private boolean closeRequested;
    private ChannelFuture lastWrite;
    private boolean finished;

    StubExchange(StubConnectionHandler connection, ChannelHandlerContext ctx, HttpRequest request,
                 String backendName, long connectionId) {
        super(ctx, request, backendName, connectionId);
        this.connection = connection;
        this.ctx = ctx;
        this.body = new StubRequestBody(connection::pump, this::closeConnection);
    }

    // ---- the request body --------------------------------------------------------------------

    /**
     * Starts reading the request body into {@code consumer}, with backpressure. At most once per
     * exchange. A request without a body ends at once ({@link BodyConsumer#onEnd} only).
     *
     * @param consumer receives the pieces and the end
     */
    public void readBody(BodyConsumer consumer) {
        checkInEventLoop();
        Objects.requireNonNull(consumer, "consumer");
        if (body.started()) {
            throw new IllegalStateException("the body of " + describe() + " is already being read");
        }
        body.start(consumer);
        connection.pump();
    }

    /**
     * Reads and drops the request body (still counting and hashing it), then runs {@code then}.
     *
     * @param then what to do once the whole body has arrived
     */
    public void discardBody(Runnable then) {
        readBody(BodyConsumer.discarding(then));
    }

    /**
     * Tells whether the whole request body has arrived.
     *
     * @return true once the body has ended
     */
    public boolean requestComplete() {
        return body.complete();
    }

    /**
     * Returns the length of the request body.
     *
     * @return the length, or -1 while the body has not ended
     */
    public long bodyBytes() {
        return body.complete() ? body.bytes() : -1;
    }

    /**
     * Returns the SHA-256 of the request body in lowercase hex.
     *
     * @return the digest, or null while the body has not ended
     */
    public String bodySha256() {
        return body.complete() ? body.sha256Hex() : null;
    }

    // ---- the response ------------------------------------------------------------------------

    /**
     * Sends the interim response {@code 100 Continue}, before the final response.
     *
     * @return the write's future
     */
    public ChannelFuture sendContinue() {
        checkInEventLoop();
        checkHeadNotWritten();
        return ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                Unpooled.EMPTY_BUFFER));
    }

    /**
     * Makes the response say {@code Connection: close} and closes the connection as soon as the
     * response has been written, without reading the rest of the request body (which then is
     * recorded as not read). Call it before the response head is written.
     */
    public void closeAfterResponse() {
        checkInEventLoop();
        checkHeadNotWritten();
        closeRequested = true;
    }

    /**
     * Sends a whole response with a text body and {@code Content-Length}.
     *
     * @param status the status
     * @param contentType the {@code Content-Type}, or null for none
     * @param body the body, sent in UTF-8 (not sent for HEAD, 204 and 304)
     * @return the write's future
     */
    public ChannelFuture respond(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        return respond(response);
    }

    /**
     * Sends a whole response. {@code Content-Length} is set from the content unless present; for
     * HEAD, 204 and 304 the content is not sent.
     *
     * @param response the response; this method takes ownership and releases it
     * @return the write's future
     */
    public ChannelFuture respond(FullHttpResponse response) {
        try {
            checkInEventLoop();
            checkHeadNotWritten();
        } catch (RuntimeException e) {
            response.release();
            throw e;
        }
        if (!HttpUtil.isContentLengthSet(response) && !HttpUtil.isTransferEncodingChunked(response)
                && !statusHasNoBody(response.status())) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        FullHttpResponse toWrite = response;
        prepareHead(response);
        if (noBody && response.content().isReadable()) {
            toWrite = response.replace(Unpooled.EMPTY_BUFFER);
            response.release();
        }
        responseEnded = true;
        recordBeforeResponse();
        ChannelFuture f = ctx.writeAndFlush(toWrite);
        afterResponse(f);
        return f;
    }

    /**
     * Sends the response head; the body follows through {@link #writeBody} and {@link #end()}.
     * Frame the body with {@code Content-Length} or {@code Transfer-Encoding: chunked}; a response
     * with neither is delimited by closing the connection.
     *
     * @param head the head (not a {@link FullHttpResponse}: use {@link #respond(FullHttpResponse)})
     * @return the write's future
     */
    public ChannelFuture writeHead(HttpResponse head) {
        checkInEventLoop();
        if (head instanceof HttpContent) {
            throw new IllegalArgumentException("head: a response with content (expected: a bare head; use respond)");
        }
        checkHeadNotWritten();
        prepareHead(head);
        return ctx.writeAndFlush(head);
    }

    /**
     * Sends a piece of the response body. For a response that has no body (HEAD, 204, 304) the
     * piece is dropped.
     *
     * @param content the piece; this method takes ownership
     * @return the write's future: a writer with more to send waits for it, or for the channel to
     *         be writable, before sending the next piece
     */
    public ChannelFuture writeBody(ByteBuf content) {
        try {
            checkInEventLoop();
            if (!headWritten || responseEnded) {
                throw new IllegalStateException("writeBody on " + describe()
                        + " (expected: after writeHead and before end)");
            }
        } catch (RuntimeException e) {
            content.release();
            throw e;
        }
        if (noBody) {
            content.release();
            return ctx.newSucceededFuture();
        }
        return ctx.writeAndFlush(new DefaultHttpContent(content));
    }

    /**
     * Sends {@code n} bytes of {@link DeterministicBytes} as (the rest of) the response body,
     * one block at a time, each only when the channel can take it.
     *
     * @param n how many bytes
     * @return completes when the last block has been written, or fails when the connection broke
     */
    public Future<Void> writeDeterministicBody(long n) {
        checkInEventLoop();
        if (!headWritten || responseEnded) {
            throw new IllegalStateException("writeDeterministicBody on " + describe()
                    + " (expected: after writeHead and before end)");
        }
        if (noBody) {
            return ctx.executor().newSucceededFuture(null);
        }
        return new DeterministicBodyWriter(this, ctx.channel(), n).start();
    }

    /**
     * Ends the response body (the last chunk for a chunked body).
     *
     * @return the write's future
     */
    public ChannelFuture end() {
        checkInEventLoop();
        if (!headWritten || responseEnded) {
            throw new IllegalStateException("end on " + describe() + " (expected: after writeHead, once)");
        }
        responseEnded = true;
        recordBeforeResponse();
        ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        afterResponse(f);
        return f;
    }

    /**
     * Writes {@code bytes} as they are, bypassing the HTTP encoder, then closes the connection;
     * for malformed responses. Nothing else may be written on this connection afterwards.
     *
     * @param bytes the bytes; this method takes ownership
     * @return the write's future
     */
    public ChannelFuture writeRawAndClose(ByteBuf bytes) {
        try {
            checkInEventLoop();
        } catch (RuntimeException e) {
            bytes.release();
            throw e;
        }
        recordIfIncomplete();
        headWritten = true;
        responseEnded = true;
        finished = true;
        return connection.writeRawAndClose(bytes);
    }

    /**
     * Closes the connection now, whatever was sent so far. A request whose body had not ended is
     * recorded as not read.
     */
    public void closeConnection() {
        checkInEventLoop();
        recordIfIncomplete();
        finished = true;
        connection.close();
    }

    /**
     * Gives up on this exchange without ending it: no more is written, and the connection reads
     * and drops everything the peer sends until the peer closes it (so
     * {@link StubBackend#openConnections()} follows the peer). A request whose body had not ended
     * is recorded as not read.
     */
    public void neverComplete() {
        checkInEventLoop();
        recordIfIncomplete();
        finished = true;
        connection.drainForever();
    }

    // ---- driven by StubConnectionHandler ----------------------------------------------------

    /** Whether the handler should hand this exchange the next piece of the request body. */
    boolean wantsContent() {
        return body.wants() && !finished;
    }

    /** Hands over one piece of the request body; releases it. */
    void deliver(HttpContent piece) {
        boolean last = StubRequestBody.isLast(piece);
        HttpHeaders trailers = last ? ((LastHttpContent) piece).trailingHeaders() : null;
        try {
            if (piece.decoderResult().isFailure()) {
                log.debug("{} {}: malformed request body, closing: {}", connection, describe(),
                        piece.decoderResult().cause().toString());
                closeConnection();
                return;
            }
            body.take(piece);
        } catch (RuntimeException e) {
            log.warn("{} {}: body consumer failed, closing", connection, describe(), e);
            closeConnection();
            return;
        } finally {
            piece.release();
        }
        if (last) {
            complete(trailers);
        }
    }

    private void complete(HttpHeaders trailers) {
        if (finished) {
            return; // the connection was closed while this piece was being handled
        }
        body.markComplete();
        // Recorded before the behaviour answers, so a test that got its response finds the record.
        record(body.bytes(), body.sha256Hex());
        try {
            body.consumer().onEnd(trailers);
        } catch (RuntimeException e) {
            log.warn("{} {}: body consumer failed at the end, closing", connection, describe(), e);
            closeConnection();
            return;
        }
        if (responseEnded && !finished) {
            finish();
        }
    }

    // ---- internals ---------------------------------------------------------------------------

    private void prepareHead(HttpResponse head) {
        headWritten = true;
        HttpHeaders h = head.headers();
        if (!h.contains(StubBackend.BACKEND_HEADER)) {
            h.set(StubBackend.BACKEND_HEADER, backendName());
        }
        noBody = isHead() || statusHasNoBody(head.status());
        boolean framed = noBody || HttpUtil.isContentLengthSet(head) || HttpUtil.isTransferEncodingChunked(head);
        if (!noBody && HttpUtil.isTransferEncodingChunked(head)
                && request().protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            // An HTTP/1.0 client does not know chunked encoding: delimit the body by closing.
            HttpUtil.setTransferEncodingChunked(head, false);
            framed = false;
        }
        keepAlive = framed && !closeRequested && HttpUtil.isKeepAlive(request()) && HttpUtil.isKeepAlive(head);
        // Judged by the request's version: an HTTP/1.0 client needs "Connection: keep-alive".
        HttpUtil.setKeepAlive(h, request().protocolVersion(), keepAlive);
    }

    private void afterResponse(ChannelFuture f) {
        lastWrite = f;
        f.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (body.complete() || closeRequested) {
            finish();
        } else {
            // The next request can only be read after this body: drop what the behaviour did not read.
            if (!body.started()) {
                body.start(BodyConsumer.discarding(() -> { }));
            }
            connection.pump();
        }
    }

    private void finish() {
        recordIfIncomplete();
        finished = true;
        connection.exchangeFinished(this, keepAlive && body.complete(), lastWrite);
    }

    /**
     * A response that closes the connection gives up on the rest of the body: record the request
     * before the response can reach the client, so a test that got the response finds the record.
     */
    private void recordBeforeResponse() {
        if (closeRequested) {
            recordIfIncomplete();
        }
    }

    private void recordIfIncomplete() {
        if (!body.complete()) {
            record(-1, null);
        }
    }

    private void record(long bodyBytes, String sha256) {
        if (!recorded) {
            recorded = true;
            connection.record(RecordedRequest.of(request(), bodyBytes, sha256, connectionId()));
        }
    }

    private static boolean statusHasNoBody(HttpResponseStatus status) {
        return status.codeClass() == HttpStatusClass.INFORMATIONAL
                || status.code() == HttpResponseStatus.NO_CONTENT.code()
                || status.code() == HttpResponseStatus.NOT_MODIFIED.code();
    }

    private void checkHeadNotWritten() {
        if (headWritten) {
            throw new IllegalStateException("the response head of " + describe() + " was already written");
        }
    }

    private void checkInEventLoop() {
        if (!ctx.executor().inEventLoop()) {
            throw new IllegalStateException("StubExchange used off its event loop (expected: on "
                    + "exchange.eventLoop(); use eventLoop().execute(...))");
        }
    }

    @Override
    public String toString() {
        return backendName() + " #" + connectionId() + " " + describe();
    }
}
