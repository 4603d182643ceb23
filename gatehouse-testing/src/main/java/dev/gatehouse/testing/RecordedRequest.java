package dev.gatehouse.testing;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One request as a {@link StubBackend} saw it.
 *
 * <p>A request is normally recorded once its body has been fully received; then
 * {@code bodyBytes} and {@code bodySha256} describe the whole body (0 bytes and the hash of
 * nothing for a request without a body). When the stub stops reading a request before its body
 * ends, namely {@link StubBehaviors#hang()}, {@link StubBehaviors#closeImmediately()} and a
 * rejected {@link StubBehaviors#expectContinue(int)}, the request is recorded when its head
 * arrives, with {@code bodyBytes == -1} and {@code bodySha256 == null}: "not read". A request whose
 * connection the peer closed mid-body is not recorded (see {@link StubBackend#requestsStarted()}).
 *
 * @param method the request method, e.g. {@code GET}
 * @param uri the request target as sent, e.g. {@code /download?bytes=10}
 * @param headers an immutable copy of the request headers
 * @param bodyBytes the body length, or -1 when the body was not read
 * @param bodySha256 the body's SHA-256 in lowercase hex, or null when the body was not read
 * @param httpVersion the request's protocol version, e.g. {@code HTTP/1.1}
 * @param connectionId the sequence number (from 1) of the connection that carried the request
 */
public record RecordedRequest(
        String method,
        String uri,
        HttpHeaders headers,
        long bodyBytes,
        String bodySha256,
        String httpVersion,
        long connectionId) {

    /** Checks the arguments; {@code headers} is used as is, so pass an immutable copy. */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(httpVersion, "httpVersion");
        if (bodyBytes < -1) {
            throw new IllegalArgumentException("bodyBytes: " + bodyBytes + " (expected: >= -1)");
        }
    }

    /**
     * Returns the path part of {@link #uri()}, without the query.
     *
     * @return e.g. {@code /download}
     */
    public String path() {
        return new QueryStringDecoder(uri).path();
    }

    /**
     * Returns the first value of a header, or null.
     *
     * @param name the header name, any case
     * @return the value or null
     */
    public String header(String name) {
        return headers.get(name);
    }

    static RecordedRequest of(HttpRequest head, long bodyBytes, String bodySha256, long connectionId) {
        return new RecordedRequest(head.method().name(), head.uri(), immutableCopy(head.headers()),
                bodyBytes, bodySha256, head.protocolVersion().text(), connectionId);
    }

    private static HttpHeaders immutableCopy(HttpHeaders headers) {
        List<CharSequence> pairs = new ArrayList<>(headers.size() * 2);
        for (Map.Entry<String, String> e : headers) {
            pairs.add(e.getKey());
            pairs.add(e.getValue());
        }
        // The decoder already validated the headers; validating again would only reject what a
        // test deliberately smuggled through the proxy.
        return new ReadOnlyHttpHeaders(false, pairs.toArray(CharSequence[]::new));
    }
}
