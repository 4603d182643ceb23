package dev.gatehouse.server.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Encodes the WebSocket Close frames a tunnel injects (RFC 6455 §5.5.1 and §7.4). */
final class CloseFrames {

    /** A control frame's payload is at most 125 bytes, two of which carry the code. */
    static final int MAX_REASON_BYTES = 123;

    private CloseFrames() {
    }

    /**
     * Checks that {@code code} may be sent in a Close frame: 1000-1003, 1007-1014 or 3000-4999
     * (1004-1006 and 1015 are reserved and must never be on the wire).
     */
    static int checkCode(int code) {
        boolean ok = code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
        if (!ok) {
            throw new IllegalArgumentException("code: " + code + " (expected: 1000-1003, 1007-1014 or 3000-4999)");
        }
        return code;
    }

    /** The reason as UTF-8, cut at a character boundary to fit a control frame. */
    static byte[] reasonBytes(String reason) {
        if (reason == null || reason.isEmpty()) {
            return new byte[0];
        }
        String r = reason;
        byte[] bytes = r.getBytes(StandardCharsets.UTF_8);
        while (bytes.length > MAX_REASON_BYTES) {
            // Drop whole code points from the end so the UTF-8 stays valid (receivers must check it).
            r = r.substring(0, r.offsetByCodePoints(r.length(), -1));
            bytes = r.getBytes(StandardCharsets.UTF_8);
        }
        return bytes;
    }

    /**
     * A final Close frame. Server-to-client frames are sent unmasked; client-to-server frames must
     * be masked (§5.3), with a key the peer cannot predict, hence a fresh random key per frame.
     */
    static ByteBuf encode(ByteBufAllocator alloc, int code, byte[] reason, boolean masked) {
        int payloadLength = 2 + reason.length;
        ByteBuf out = alloc.buffer(2 + (masked ? 4 : 0) + payloadLength);
        out.writeByte(0x80 | FrameTracker.OPCODE_CLOSE);
        out.writeByte((masked ? 0x80 : 0) | payloadLength);
        byte[] payload = new byte[payloadLength];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        if (masked) {
            int key = ThreadLocalRandom.current().nextInt();
            out.writeInt(key);
            for (int i = 0; i < payloadLength; i++) {
                payload[i] ^= (byte) (key >>> (8 * (3 - (i & 3))));
            }
        }
        out.writeBytes(payload);
        return out;
    }
}
