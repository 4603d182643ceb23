package dev.gatehouse.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One response as {@link RawHttpClient} read it off the wire: status line, headers in order, and
 * the body (dechunked). Interim ({@code 1xx}) responses are responses of their own.
 *
 * <p>When the body was streamed into a sink ({@link RawHttpClient#readResponse(boolean,
 * java.io.OutputStream)}), {@link #body()} is empty; {@link #bodyLength()} and
 * {@link #bodySha256()} are always those of the body on the wire.
 */
public final class RawHttpResponse {

    private final String version;
    private final int status;
    private final String reason;
    private final List<Map.Entry<String, String>> headers;
    private final byte[] body;
    private final long bodyLength;
    private final String bodySha256;
    private final List<Map.Entry<String, String>> trailers;

    RawHttpResponse(String version, int status, String reason, List<Map.Entry<String, String>> headers,
                    byte[] body, long bodyLength, String bodySha256, List<Map.Entry<String, String>> trailers) {
        this.version = version;
        this.status = status;
        this.reason = reason;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.bodyLength = bodyLength;
        this.bodySha256 = bodySha256;
        this.trailers = List.copyOf(trailers);
    }

    /**
     * Sends one GET with {@code Host: localhost} and {@code Connection: close} and reads the
     * response.
     *
     * @param port the port on 127.0.0.1
     * @param path the request target, e.g. {@code /status/404}
     * @return the response
     */
    public static RawHttpResponse get(int port, String path) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .readResponse();
        }
    }

    /**
     * Sends one HTTP/1.1 request on a new connection, with {@code Host: example.com} and then
     * {@code headers} as given ({@code "Name: value"}), and reads the response (without a body
     * when {@code method} is HEAD).
     *
     * @param port   the port on 127.0.0.1
     * @param method e.g. {@code GET}
     * @param target the request target, e.g. {@code /static/a.css}
     * @return the response
     */
    public static RawHttpResponse send(int port, String method, String target, String... headers) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            StringBuilder b = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: example.com\r\n");
            for (String h : headers) {
                b.append(h).append("\r\n");
            }
            return client.send(b.append("\r\n").toString()).readResponse(method.equals("HEAD"));
        }
    }

    /**
     * Returns the status code.
     *
     * @return e.g. 200
     */
    public int status() {
        return status;
    }

    /**
     * Returns the reason phrase.
     *
     * @return e.g. {@code OK}; empty when the status line had none
     */
    public String reason() {
        return reason;
    }

    /**
     * Returns the protocol version of the status line.
     *
     * @return e.g. {@code HTTP/1.1}
     */
    public String version() {
        return version;
    }

    /**
     * Returns the first value of a header.
     *
     * @param name the header name, any case
     * @return the value, or null when absent
     */
    public String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /**
     * Returns every value of a header, in order of appearance (one per header line).
     *
     * @param name the header name, any case
     * @return the values, possibly empty
     */
    public List<String> headers(String name) {
        Objects.requireNonNull(name, "name");
        return headers.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    /**
     * Returns all header lines in order.
     *
     * @return name-value pairs as sent
     */
    public List<Map.Entry<String, String>> headerLines() {
        return headers;
    }

    /**
     * Returns the trailer lines of a chunked body.
     *
     * @return name-value pairs, empty when there were none
     */
    public List<Map.Entry<String, String>> trailers() {
        return trailers;
    }

    /**
     * Returns the body, dechunked.
     *
     * @return a copy of the body; empty when it was streamed into a sink
     */
    public byte[] body() {
        return body.clone();
    }

    /**
     * Returns the body as UTF-8 text.
     *
     * @return the text
     */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * Returns the length of the body on the wire (after dechunking).
     *
     * @return the length
     */
    public long bodyLength() {
        return bodyLength;
    }

    /**
     * Returns the SHA-256 of the body on the wire, in lowercase hex.
     *
     * @return the digest
     */
    public String bodySha256() {
        return bodySha256;
    }

    @Override
    public String toString() {
        return version + " " + status + " " + reason + " (" + headers.size() + " headers, " + bodyLength
                + " body bytes)";
    }

    RawHttpResponse withBody(byte[] newBody) {
        return new RawHttpResponse(version, status, reason, headers, newBody, bodyLength, bodySha256, trailers);
    }

    static UncheckedIOException unchecked(String what, IOException e) {
        return new UncheckedIOException(what + ": " + e, e);
    }
}
