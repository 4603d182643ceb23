package dev.gatehouse.server.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Follows where the frames of one direction of a WebSocket stream begin and end (RFC 6455 §5.2),
 * however TCP chunks them. It reads only headers: FIN, opcode, the 7, 16 or 64-bit payload length
 * and the mask bit (whose 4-byte key it skips); payloads are counted, never copied or unmasked, so
 * following a stream costs a few bytes of state and a glance at each header.
 *
 * <p>Extensions such as permessage-deflate change payloads and RSV bits, not the framing, so they
 * are followed too. Not thread-safe: one per direction, confined to the tunnel's event loop.
 */
final class FrameTracker {

    static final int OPCODE_CLOSE = 0x8;

    /** Longest header: 2 bytes, 8 of extended length, 4 of mask key. */
    private final byte[] header = new byte[14];
    /** Header bytes gathered so far; 0 while in a payload or between frames. */
    private int headerLength;
    /** The current header's full length, known once its second byte arrived. */
    private int headerNeeded;
    private long payloadLeft;
    private int opcode = -1;
    private int lastEndedOpcode = -1;
    private long framesEnded;
    private long closeFramesEnded;

    /** Whether the bytes fed so far end exactly at the end of a frame (or none came yet). */
    boolean atBoundary() {
        return headerLength == 0 && payloadLeft == 0;
    }

    /**
     * Follows {@code length} bytes of {@code buf} from {@code index}, without moving its indices.
     *
     * @param stopAtFrameEnd stop right after the first frame that ends within these bytes
     * @return how many bytes were followed: {@code length}, or fewer when it stopped at a frame end
     * @throws CorruptedFrameException when a 64-bit length has its most significant bit set
     */
    int feed(ByteBuf buf, int index, int length, boolean stopAtFrameEnd) {
        int i = 0;
        while (i < length) {
            if (payloadLeft > 0) {
                int n = (int) Math.min(payloadLeft, length - i);
                i += n;
                payloadLeft -= n;
                if (payloadLeft == 0) {
                    frameEnded();
                    if (stopAtFrameEnd) {
                        return i;
                    }
                }
                continue;
            }
            byte b = buf.getByte(index + i);
            i++;
            header[headerLength++] = b;
            if (headerLength == 2) {
                int len7 = b & 0x7f;
                int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
                headerNeeded = 2 + extended + ((b & 0x80) != 0 ? 4 : 0);
            }
            if (headerLength >= 2 && headerLength == headerNeeded) {
                headerComplete();
                if (payloadLeft == 0) {
                    frameEnded();
                    if (stopAtFrameEnd) {
                        return i;
                    }
                }
            }
        }
        return i;
    }

    private void headerComplete() {
        opcode = header[0] & 0x0f;
        int len7 = header[1] & 0x7f;
        long length;
        if (len7 == 126) {
            length = ((header[2] & 0xffL) << 8) | (header[3] & 0xffL);
        } else if (len7 == 127) {
            length = 0;
            for (int k = 2; k < 10; k++) {
                length = (length << 8) | (header[k] & 0xffL);
            }
            if (length < 0) {
                throw new CorruptedFrameException("WebSocket frame length has its most significant bit set");
            }
        } else {
            length = len7;
        }
        headerLength = 0;
        payloadLeft = length;
    }

    private void frameEnded() {
        framesEnded++;
        lastEndedOpcode = opcode;
        if (opcode == OPCODE_CLOSE) {
            closeFramesEnded++;
        }
    }

    /** Frames that ended so far. */
    long framesEnded() {
        return framesEnded;
    }

    /** Close frames that ended so far: this side has said goodbye once this is positive. */
    long closeFramesEnded() {
        return closeFramesEnded;
    }

    /** Opcode of the last frame that ended, or -1. */
    int lastEndedOpcode() {
        return lastEndedOpcode;
    }
}
