package dev.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking HTTP/1.1 client over a plain socket, for tests that must control the bytes exactly:
 * malformed requests, pipelining, keep-alive, half-sent bodies. Requests are written as given;
 * responses are parsed one at a time.
 *
 * <pre>{@code
 * try (var client = RawHttpClient.connect(port)) {
 *     client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
 *     RawHttpResponse first = client.readResponse();
 *     RawHttpResponse second = client.readResponse();
 * }
 * }</pre>
 *
 * <p>Not thread-safe. A test that sends a large body and reads the response concurrently (e.g.
 * a big {@code /echo}) must send from another thread, or both sides stall on full socket buffers.
 */
public final class RawHttpClient implements AutoCloseable {

    /** The default read timeout; a test stuck on a silent peer fails instead of hanging. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** How long {@link #isClosedByPeer()} waits for the peer's next byte or FIN. */
    private static final int PEEK_TIMEOUT_MILLIS = 50;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final RawResponseReader reader;

    private RawHttpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.reader = new RawResponseReader(in);
    }

    /**
     * Connects to 127.0.0.1 with a read timeout of {@link #DEFAULT_TIMEOUT}.
     *
     * @param port the port
     * @return the connected client
     */
    public static RawHttpClient connect(int port) {
        return connect(port, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to 127.0.0.1.
     *
     * @param port the port
     * @param readTimeout how long a read may block before it fails
     * @return the connected client
     */
    public static RawHttpClient connect(int port, Duration readTimeout) {
        return connect(null, port, readTimeout);
    }

    /**
     * Connects to 127.0.0.1 from another local address, such as {@code 127.0.0.2}: a second client
     * address on one machine, for limits per client IP (Linux answers on all of 127.0.0.0/8).
     *
     * @param localAddress the address to connect from
     * @param port the port
     * @return the connected client
     */
    public static RawHttpClient connectFrom(String localAddress, int port) {
        return connect(localAddress, port, DEFAULT_TIMEOUT);
    }

    /**
     * Connects to 127.0.0.1 with a fixed, small receive buffer (no autotuning): answers the test
     * does not read yet back up into the node soon, as they would from a client that stopped reading.
     *
     * @param port the port
     * @param receiveBufferBytes the socket's receive buffer, set before connecting
     * @return the connected client
     */
    public static RawHttpClient connectWithReceiveBuffer(int port, int receiveBufferBytes) {
        return connect(null, port, DEFAULT_TIMEOUT, receiveBufferBytes);
    }

    private static RawHttpClient connect(String localAddress, int port, Duration readTimeout) {
        return connect(localAddress, port, readTimeout, 0);
    }

    private static RawHttpClient connect(String localAddress, int port, Duration readTimeout, int receiveBuffer) {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
            socket.connect(new InetSocketAddress("127.0.0.1", port), Math.toIntExact(readTimeout.toMillis()));
            return new RawHttpClient(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw RawHttpResponse.unchecked("connect to 127.0.0.1:" + port, e);
        }
    }

    /**
     * Writes {@code raw} as ISO-8859-1 bytes, exactly as given (write {@code \r\n} yourself).
     *
     * @param raw the bytes as text
     * @return this client
     */
    public RawHttpClient send(String raw) {
        return send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Writes bytes as they are.
     *
     * @param raw the bytes
     * @return this client
     */
    public RawHttpClient send(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
            return this;
        } catch (IOException e) {
            throw RawHttpResponse.unchecked("send", e);
        }
    }

    /**
     * Writes everything {@code body} yields, e.g. {@link DeterministicBytes#stream(long)}, without
     * holding it in memory; closes the stream.
     *
     * @param body the bytes to send
     * @return this client
     */
    public RawHttpClient send(InputStream body) {
        try (body) {
            body.transferTo(out);
            out.flush();
            return this;
        } catch (IOException e) {
            throw RawHttpResponse.unchecked("send", e);
        }
    }

    /**
     * Shuts down the sending side (TCP FIN) and keeps reading possible.
     *
     * @return this client
     */
    public RawHttpClient shutdownOutput() {
        try {
            socket.shutdownOutput();
            return this;
        } catch (IOException e) {
            throw RawHttpResponse.unchecked("shutdownOutput", e);
        }
    }

    /**
     * Reads one response to a request that was not HEAD.
     *
     * @return the response; a {@code 1xx} interim response is returned on its own
     */
    public RawHttpResponse readResponse() {
        return readResponse(false);
    }

    /**
     * Reads one response.
     *
     * @param forHeadRequest true when it answers a HEAD request, so it has no body
     * @return the response
     */
    public RawHttpResponse readResponse(boolean forHeadRequest) {
        return readResponse(forHeadRequest, null);
    }

    /**
     * Reads one response, streaming its body into {@code bodySink} instead of keeping it; for big
     * bodies. Use {@link OutputStream#nullOutputStream()} to check only
     * {@link RawHttpResponse#bodyLength()} and {@link RawHttpResponse#bodySha256()}.
     *
     * @param forHeadRequest true when it answers a HEAD request
     * @param bodySink where the body goes, or null to keep it in the response
     * @return the response
     */
    public RawHttpResponse readResponse(boolean forHeadRequest, OutputStream bodySink) {
        try {
            OutputStream sink = bodySink != null ? bodySink : new ByteArrayOutputStream();
            RawHttpResponse response = reader.read(forHeadRequest, sink);
            return bodySink != null ? response : response.withBody(((ByteArrayOutputStream) sink).toByteArray());
        } catch (IOException e) {
            throw RawHttpResponse.unchecked("readResponse", e);
        }
    }

    /**
     * Tells whether the peer has closed the connection: true if the next read hits end of stream
     * (or a reset). Waits briefly for it; bytes that arrive instead are kept for the next
     * {@link #readResponse()}. A close may still be on its way, so poll it with Awaitility rather
     * than asserting once.
     *
     * @return true when the peer closed the connection
     */
    public boolean isClosedByPeer() {
        if (reader.hasBuffered()) {
            return false;
        }
        if (reader.atEof()) {
            return true;
        }
        try {
            int timeout = socket.getSoTimeout();
            socket.setSoTimeout(PEEK_TIMEOUT_MILLIS);
            try {
                return !reader.fill();
            } finally {
                socket.setSoTimeout(timeout);
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // A reset is a close too, just a rude one.
            reader.markEof();
            return true;
        } catch (IOException e) {
            throw RawHttpResponse.unchecked("isClosedByPeer", e);
        }
    }

    /**
     * Returns the local port of this connection, e.g. to match it in a proxy's logs.
     *
     * @return the port
     */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Closes the socket. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing a test could do about it.
        }
    }
}
