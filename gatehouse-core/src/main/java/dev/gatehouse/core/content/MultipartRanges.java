package dev.gatehouse.core.content;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The framing of a {@code multipart/byteranges} body (RFC 9110 §14.6, RFC 2046 §5.1.1), for a
 * 206 answer with several ranges. The data plane writes, for each range in order,
 * {@link #partHead} and then the range's bytes, and finally {@link #closing}:
 *
 * <pre>
 * --B CRLF Content-Type: t CRLF Content-Range: bytes 0-9/100 CRLF CRLF &lt;10 bytes&gt;
 * CRLF --B CRLF Content-Type: t CRLF Content-Range: bytes 50-59/100 CRLF CRLF &lt;10 bytes&gt;
 * CRLF --B-- CRLF
 * </pre>
 *
 * The CRLF before each later delimiter belongs to the delimiter (RFC 2046), so it opens the head
 * of every part but the first and the closing; the bytes of each range are sent exactly.
 * {@link #totalLength} is the {@code Content-Length} of the whole, known before the first byte.
 *
 * <p>Server input is checked, not client input: a bad boundary or content type throws
 * {@link IllegalArgumentException}, since either would let a header be forged.
 */
public final class MultipartRanges {

    /** The length of the boundaries {@link #boundary} draws (RFC 2046 allows 1-70). */
    public static final int BOUNDARY_LENGTH = 32;

    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String CRLF = "\r\n";

    private MultipartRanges() {
    }

    /**
     * A fresh boundary of {@link #BOUNDARY_LENGTH} letters and digits.
     *
     * <p>Pass a {@link java.security.SecureRandom} (it is a {@link RandomGenerator}): whoever writes
     * the served file could otherwise predict the boundary and put it in the content, forging parts
     * for the client's parser. Core takes randomness injected rather than creating its own.
     */
    public static String boundary(RandomGenerator random) {
        char[] b = new char[BOUNDARY_LENGTH];
        for (int i = 0; i < b.length; i++) {
            b[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(b);
    }

    /** The response's {@code Content-Type}: {@code multipart/byteranges; boundary=B}. */
    public static String contentType(String boundary) {
        return "multipart/byteranges; boundary=" + checkBoundary(boundary);
    }

    /**
     * The bytes before a part's data: the delimiter, the part's {@code Content-Type} (left out when
     * {@code contentType} is null, as the representation would have none) and
     * {@code Content-Range}, then the empty line.
     *
     * @param first whether this is the first part (which has no CRLF before its delimiter)
     * @throws IllegalArgumentException for a boundary of other characters than letters, digits and
     *         {@code '+_-.} or longer than 70, a content type that is not printable ASCII, or a
     *         range past {@code length}
     */
    public static byte[] partHead(String boundary, String contentType, ByteRange r, long length, boolean first) {
        StringBuilder b = new StringBuilder(128);
        if (!first) {
            b.append(CRLF);
        }
        b.append("--").append(checkBoundary(boundary)).append(CRLF);
        if (contentType != null) {
            b.append("Content-Type: ").append(checkContentType(contentType)).append(CRLF);
        }
        b.append("Content-Range: ").append(RangeRequest.contentRange(r, length)).append(CRLF).append(CRLF);
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The bytes after the last part's data: CRLF, the close delimiter, CRLF. */
    public static byte[] closing(String boundary) {
        return (CRLF + "--" + checkBoundary(boundary) + "--" + CRLF).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The exact length of the body that {@link #partHead}, the ranges' bytes and {@link #closing}
     * make, for {@code Content-Length}.
     *
     * @throws IllegalArgumentException as {@link #partHead}, or for no ranges
     * @throws ArithmeticException      if the length does not fit a long (no real range set does)
     */
    public static long totalLength(String boundary, String contentType, List<ByteRange> ranges, long length) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("ranges: none (expected: at least one)");
        }
        long total = closing(boundary).length;
        for (int i = 0; i < ranges.size(); i++) {
            ByteRange r = ranges.get(i);
            total = Math.addExact(total, partHead(boundary, contentType, r, length, i == 0).length);
            total = Math.addExact(total, r.length());
        }
        return total;
    }

    /**
     * A boundary that needs no quoting in the {@code Content-Type} parameter: RFC 2046's
     * {@code bchars} that are also token characters.
     */
    private static String checkBoundary(String boundary) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("boundary: 1-70 characters expected");
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            if (!(c < 0x80 && (Character.isLetterOrDigit(c) || "'+_-.".indexOf(c) >= 0))) {
                throw new IllegalArgumentException("boundary: invalid character at " + i + " (expected: letters, digits, '+_-.)");
            }
        }
        return boundary;
    }

    private static String checkContentType(String contentType) {
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("content type: invalid character at " + i + " (expected: printable ASCII)");
            }
        }
        return contentType;
    }
}
