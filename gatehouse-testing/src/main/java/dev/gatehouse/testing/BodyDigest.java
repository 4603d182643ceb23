package dev.gatehouse.testing;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes a body as it streams past, so nothing but the running digest is kept.
 * Not thread-safe: one instance belongs to one exchange on one event loop.
 */
final class BodyDigest {

    private final MessageDigest sha256 = newSha256();
    private long bytes;
    private String hex;

    /** Adds the readable bytes of {@code buf} without moving its reader index. */
    void update(ByteBuf buf) {
        int n = buf.readableBytes();
        if (n == 0) {
            return;
        }
        if (buf.hasArray()) {
            sha256.update(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
        } else {
            // nioBuffers returns views with their own positions, so the ByteBuf is left untouched.
            for (ByteBuffer view : buf.nioBuffers(buf.readerIndex(), n)) {
                sha256.update(view);
            }
        }
        bytes += n;
    }

    /** Returns how many bytes were added so far. */
    long bytes() {
        return bytes;
    }

    /** Finishes the digest (further updates are a bug) and returns it in lowercase hex. */
    String sha256Hex() {
        if (hex == null) {
            hex = HexFormat.of().formatHex(sha256.digest());
        }
        return hex;
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime must provide SHA-256", e);
        }
    }
}
