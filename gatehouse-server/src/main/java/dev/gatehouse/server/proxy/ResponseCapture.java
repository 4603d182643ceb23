package dev.gatehouse.server.proxy;

import dev.gatehouse.core.cache.StoredHeaders;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A copy of a response body as it streams to the client, for the cache: bounded by the largest
 * object the cache keeps, past which the copy is given up (the client's response is untouched).
 * The bytes are copied, never retained: the buffers stay the client's. Loop-confined.
 */
final class ResponseCapture {

    private final int status;
    private final StoredHeaders headers;
    private final long limit;
    private byte[] bytes = new byte[4096];
    private int length;

    /**
     * @param status  the response status
     * @param headers the fields to store
     * @param limit   the most body bytes kept
     */
    ResponseCapture(int status, StoredHeaders headers, long limit) {
        this.status = status;
        this.headers = headers;
        this.limit = limit;
    }

    /**
     * Copies {@code part}'s readable bytes.
     *
     * @return false when the body outgrew the limit: nothing is kept
     */
    boolean append(ByteBuf part) {
        int n = part.readableBytes();
        if ((long) length + n > limit) {
            bytes = null;
            return false;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max((long) bytes.length * 2, length + n)));
        }
        part.getBytes(part.readerIndex(), bytes, length, n);
        length += n;
        return true;
    }

    int status() {
        return status;
    }

    StoredHeaders headers() {
        return headers;
    }

    /** The body, exactly as long as it was. */
    byte[] bytes() {
        return Arrays.copyOf(bytes, length);
    }
}
