package dev.gatehouse.server.files;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * The answer to a request for a file, before a byte is sent: the status, the header fields, and
 * the body as a list of pieces (the file's byte ranges, and for a multipart answer the part heads
 * between them).
 *
 * @param status        200, 206, 304, 412 or 416
 * @param headers       every header field of the answer, {@code Content-Length} included
 * @param body          what the body is made of, in order; empty for HEAD and bodiless answers
 * @param contentLength the body's length (for HEAD, the length a GET would have had)
 */
public record FilePlan(HttpResponseStatus status, HttpHeaders headers, List<Segment> body, long contentLength) {

    /** A piece of the body. */
    public sealed interface Segment permits Bytes, Region {
        /** Its length in bytes. */
        long length();
    }

    /** Bytes made here (a multipart part's head, or its closing). */
    public record Bytes(byte[] bytes) implements Segment {
        @Override
        public long length() {
            return bytes.length;
        }
    }

    /** A range of the file. */
    public record Region(long position, long length) implements Segment {
    }

    /** Copies the list. */
    public FilePlan {
        body = List.copyOf(body);
    }
}
