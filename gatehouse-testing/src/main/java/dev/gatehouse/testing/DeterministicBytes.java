package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deterministic body bytes the stub serves and the tests upload: byte {@code i} of a body is
 * {@code (i * 31 + 7) & 0xff}. Bodies of any size can be produced, streamed and hashed without
 * ever being held in memory, so a test can move hundreds of megabytes with a small heap and still
 * know the expected SHA-256.
 */
public final class DeterministicBytes {

    /** Bytes one pass copies; a multiple of the pattern's period (256), so every block is alike. */
    static final int BLOCK_SIZE = 64 * 1024;

    /**
     * One block plus one period, so that a copy of up to {@link #BLOCK_SIZE} bytes can start at any
     * phase of the pattern ({@code offset & 0xff}) and still be a single array copy.
     */
    private static final byte[] PATTERN = new byte[BLOCK_SIZE + 256];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = byteAt(i);
        }
    }

    /** Hashing 500 MB takes a while; tests ask for the same sizes again and again. */
    private static final Map<Long, String> SHA256_CACHE = new ConcurrentHashMap<>();

    private DeterministicBytes() {
    }

    /**
     * Returns byte {@code index} of every deterministic body.
     *
     * @param index the position in the body, from 0
     * @return {@code (index * 31 + 7) & 0xff}
     */
    public static byte byteAt(long index) {
        return (byte) ((index * 31 + 7) & 0xff);
    }

    /**
     * Returns a stream of the first {@code n} deterministic bytes; it holds no more than a fixed
     * pattern in memory.
     *
     * @param n how many bytes the stream yields before its end
     * @return a new stream
     */
    public static InputStream stream(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
        }
        return new DeterministicInputStream(n);
    }

    /**
     * Returns the SHA-256 of the first {@code n} deterministic bytes, in lowercase hex.
     *
     * @param n the body length
     * @return the hex digest
     */
    public static String sha256(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
        }
        return SHA256_CACHE.computeIfAbsent(n, DeterministicBytes::computeSha256);
    }

    /**
     * Returns the bytes {@code [offset, offset + len)} as a new array; for small bodies in tests.
     *
     * @param offset the first position
     * @param len how many bytes
     * @return a new array
     */
    public static byte[] bytes(long offset, int len) {
        byte[] out = new byte[len];
        copy(offset, out, 0, len);
        return out;
    }

    /** Copies bytes {@code [offset, offset + len)} of the body into {@code dst}. */
    static void copy(long offset, byte[] dst, int dstOffset, int len) {
        int done = 0;
        while (done < len) {
            int n = Math.min(BLOCK_SIZE, len - done);
            System.arraycopy(PATTERN, phase(offset + done), dst, dstOffset + done, n);
            done += n;
        }
    }

    /** Appends bytes {@code [offset, offset + len)} of the body to {@code dst}; len <= BLOCK_SIZE. */
    static void writeTo(ByteBuf dst, long offset, int len) {
        if (len > BLOCK_SIZE) {
            throw new IllegalArgumentException("len: " + len + " (expected: <= " + BLOCK_SIZE + ")");
        }
        dst.writeBytes(PATTERN, phase(offset), len);
    }

    private static int phase(long offset) {
        return (int) (offset & 0xff);
    }

    private static String computeSha256(long n) {
        MessageDigest digest = BodyDigest.newSha256();
        long done = 0;
        while (done < n) {
            int len = (int) Math.min(BLOCK_SIZE, n - done);
            digest.update(PATTERN, phase(done), len);
            done += len;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The stream behind {@link #stream(long)}. */
    private static final class DeterministicInputStream extends InputStream {

        private final long length;
        private long position;

        DeterministicInputStream(long length) {
            this.length = length;
        }

        @Override
        public int read() {
            if (position >= length) {
                return -1;
            }
            return byteAt(position++) & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(len, length - position);
            copy(position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, length - position));
            position += skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, length - position);
        }
    }
}
