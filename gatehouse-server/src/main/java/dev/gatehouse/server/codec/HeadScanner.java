package dev.gatehouse.server.codec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;

/**
 * Checks the raw bytes of one request head (the request line, the field lines, the empty line)
 * against the grammar of RFC 9112 before Netty's decoder reads them, because that decoder is
 * lenient where leniency lets a request be read two ways: it takes tabs, vertical tabs, form feeds
 * and runs of spaces as request-line separators, and it unfolds obsolete line folding.
 *
 * <p>The rules, each a {@link BadHeadException} (a 400) when broken:
 * <ul>
 *   <li>empty lines before the request line are skipped only as CRLF pairs;</li>
 *   <li>the request line is exactly {@code method SP target SP HTTP/d.d CRLF}: the method a token,
 *       the target visible ASCII or bytes from 0x80 (the target's own rules come later), single
 *       spaces, no tab or other whitespace, no NUL, control byte, DEL or bare CR anywhere;</li>
 *   <li>a field line is {@code name ":" OWS value OWS CRLF}: the name a token and directly followed
 *       by the colon (RFC 9112 §5.1), the value only tabs, spaces, visible ASCII and bytes from 0x80
 *       (RFC 9110 §5.5: no NUL, CR, LF or other control byte);</li>
 *   <li>a line that starts with a space or tab (obsolete line folding, RFC 9112 §5.2) is refused;</li>
 *   <li>every line ends with CRLF, and a CR appears nowhere else;</li>
 *   <li>at most one Content-Length field, in every HTTP version (Netty lets HTTP/1.0 carry several
 *       and reads the first).</li>
 * </ul>
 * Past the limits, the request line is a {@link TooLongHttpLineException} (414) and the field
 * lines a {@link TooLongHttpHeaderException} (431), counted as Netty counts them (line contents
 * without their CRLF), so that the scanner never holds more than the limits allow.
 *
 * <p>The scan is incremental: nothing is consumed, and each call goes on from the line where the
 * last one stopped, so a head that trickles in is not scanned again from its start. Not
 * thread-safe; one per connection.
 */
final class HeadScanner {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HTAB = '\t';
    private static final boolean[] TCHAR = new boolean[256];
    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    /** One line's bytes at a time, per event loop thread. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[256];
        }
    };

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final int maxLine;
    private final int maxHeader;
    /** Where the next line to check starts, relative to the buffer's reader index. */
    private int pos;
    /** How far past {@code pos} the current line is known to hold no LF: a trickled line is searched once. */
    private int searched;
    private boolean requestLineDone;
    private int headerBytes;
    private int contentLengths;

    /**
     * @param maxLine   the longest request line, without its CRLF
     * @param maxHeader the most bytes of field lines, without their CRLFs
     */
    HeadScanner(int maxLine, int maxHeader) {
        this.maxLine = maxLine;
        this.maxHeader = maxHeader;
    }

    /** Forgets the head scanned, for the next one. */
    void reset() {
        pos = 0;
        searched = 0;
        requestLineDone = false;
        headerBytes = 0;
        contentLengths = 0;
    }

    /**
     * Scans what is readable in {@code in}, consuming nothing.
     *
     * @return whether the whole head is there and sound; false when more bytes are needed
     * @throws BadHeadException          when the head breaks a rule
     * @throws TooLongHttpLineException   when the request line is over the limit
     * @throws TooLongHttpHeaderException when the field lines are over the limit
     */
    boolean scan(ByteBuf in) {
        int base = in.readerIndex();
        int readable = in.readableBytes();
        if (!requestLineDone) {
            if (pos < readable && in.getByte(base + pos) == LF) {
                throw new BadHeadException("bare LF before the request line");
            }
            while (pos < readable && in.getByte(base + pos) == CR) {
                // An empty line before the request line is ignored (RFC 9112 §2.2), as a CRLF pair only.
                if (pos + 1 >= readable) {
                    return false;
                }
                if (in.getByte(base + pos + 1) != LF) {
                    throw new BadHeadException("bare CR before the request line");
                }
                pos += 2;
                if (pos > maxLine) {
                    throw new BadHeadException("more than " + maxLine + " bytes of empty lines before the request line");
                }
                if (pos < readable && in.getByte(base + pos) == LF) {
                    throw new BadHeadException("bare LF before the request line");
                }
            }
            int lf = findLf(in, base, readable, maxLine);
            if (lf < 0) {
                if (readable - pos > maxLine + 1) {
                    throw new TooLongHttpLineException("request line is longer than " + maxLine + " bytes");
                }
                return false;
            }
            int end = lineEnd(in, base + pos, lf, "the request line");
            requestLine(copy(in, base + pos, end), end - base - pos);
            pos = lf - base + 1;
            requestLineDone = true;
        }
        while (pos < readable) {
            int start = base + pos;
            byte first = in.getByte(start);
            if (first == CR) {
                if (pos + 1 >= readable) {
                    return false;
                }
                if (in.getByte(start + 1) != LF) {
                    throw new BadHeadException("bare CR at the start of a field line");
                }
                return true;
            }
            if (first == LF) {
                throw new BadHeadException("bare LF ends the header section (expected CRLF)");
            }
            if (first == SP || first == HTAB) {
                throw new BadHeadException("obsolete line folding (a field line starts with whitespace)");
            }
            int budget = maxHeader - headerBytes;
            int lf = findLf(in, base, readable, budget);
            if (lf < 0) {
                if (readable - pos > budget + 1) {
                    throw new TooLongHttpHeaderException("header section is larger than " + maxHeader + " bytes");
                }
                return false;
            }
            int end = lineEnd(in, start, lf, "a field line");
            if (end - start > budget) {
                throw new TooLongHttpHeaderException("header section is larger than " + maxHeader + " bytes");
            }
            fieldLine(copy(in, start, end), end - start);
            headerBytes += end - start;
            pos = lf - base + 1;
        }
        return false;
    }

    /** The index of the LF ending the line at {@code pos}, looking no further than the line's budget; -1 if none yet. */
    private int findLf(ByteBuf in, int base, int readable, int budget) {
        int to = Math.min(readable, pos + Math.max(0, budget) + 2);
        int lf = in.indexOf(base + pos + searched, base + to, LF);
        searched = lf < 0 ? to - pos : 0;
        return lf;
    }

    /** The index of the CR before {@code lf}, which must be there. */
    private static int lineEnd(ByteBuf in, int start, int lf, String what) {
        if (lf == start || in.getByte(lf - 1) != CR) {
            throw new BadHeadException("bare LF ends " + what + " (expected CRLF)");
        }
        return lf - 1;
    }

    /**
     * The bytes of [start, end) in an array of the event loop's: the checks then run as plain loops
     * the JIT compiles well, and no connection keeps a buffer of its own.
     */
    private static byte[] copy(ByteBuf in, int start, int end) {
        byte[] a = SCRATCH.get();
        if (a.length < end - start) {
            a = new byte[Math.max(end - start, a.length * 2)];
            SCRATCH.set(a);
        }
        in.getBytes(start, a, 0, end - start);
        return a;
    }

    /** Checks {@code method SP target SP HTTP-version} in the first {@code len} bytes of {@code a}. */
    private static void requestLine(byte[] a, int len) {
        for (int i = 0; i < len; i++) {
            byte b = a[i];
            if (b >= 0 && b < SP || b == 0x7f) {
                throw new BadHeadException(byteName(b & 0xff) + " in the request line");
            }
        }
        int i = 0;
        while (i < len && TCHAR[a[i] & 0xff]) {
            i++;
        }
        if (i == len) {
            throw new BadHeadException("the request line has no target and no version");
        }
        if (a[i] != SP) {
            throw new BadHeadException("invalid character " + byteName(a[i] & 0xff) + " in the method");
        }
        if (i == 0) {
            throw new BadHeadException("the request line starts with a space");
        }
        int target = ++i;
        while (i < len && a[i] != SP) {
            i++;
        }
        if (i == target) {
            throw new BadHeadException("more than one space after the method");
        }
        if (i == len) {
            throw new BadHeadException("the request line has no version");
        }
        int v = i + 1;
        boolean version = len - v == 8 && a[v] == 'H' && a[v + 1] == 'T' && a[v + 2] == 'T' && a[v + 3] == 'P'
                && a[v + 4] == '/' && isDigit(a[v + 5]) && a[v + 6] == '.' && isDigit(a[v + 7]);
        if (!version) {
            boolean extraSpace = v == len;
            for (int k = v; k < len && !extraSpace; k++) {
                extraSpace = a[k] == SP;
            }
            throw new BadHeadException(extraSpace ? "more than two spaces in the request line"
                    : "invalid HTTP version (expected HTTP/digit.digit)");
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Checks {@code name ":" value} in the first {@code len} bytes of {@code a}, and counts Content-Length fields. */
    private void fieldLine(byte[] a, int len) {
        int colon = 0;
        while (colon < len && TCHAR[a[colon] & 0xff]) {
            colon++;
        }
        if (colon == len) {
            throw new BadHeadException("a field line without a colon");
        }
        byte c = a[colon];
        if (c != ':') {
            throw new BadHeadException(c == SP || c == HTAB ? "whitespace in a field name or before its colon"
                    : "invalid character " + byteName(c & 0xff) + " in a field name");
        }
        if (colon == 0) {
            throw new BadHeadException("a field line with an empty name");
        }
        for (int i = colon + 1; i < len; i++) {
            byte b = a[i];
            if (b >= 0 && b < SP && b != HTAB || b == 0x7f) {
                throw new BadHeadException(byteName(b & 0xff) + " in the value of "
                        + new String(a, 0, colon, StandardCharsets.US_ASCII));
            }
        }
        if (colon == CONTENT_LENGTH.length && isContentLength(a) && ++contentLengths > 1) {
            throw new BadHeadException("more than one Content-Length field");
        }
    }

    private static boolean isContentLength(byte[] a) {
        for (int k = 0; k < CONTENT_LENGTH.length; k++) {
            if ((a[k] | 0x20) != CONTENT_LENGTH[k]) {
                return false;
            }
        }
        return true;
    }

    private static String byteName(int b) {
        return switch (b) {
            case 0 -> "NUL";
            case '\t' -> "tab";
            case '\r' -> "bare CR";
            case '\n' -> "bare LF";
            case 0x0b -> "vertical tab";
            case 0x0c -> "form feed";
            case 0x7f -> "DEL";
            default -> b < 0x20 ? "control byte 0x" + Integer.toHexString(b)
                    : b >= 0x80 ? "byte 0x" + Integer.toHexString(b) : "'" + (char) b + "'";
        };
    }
}
