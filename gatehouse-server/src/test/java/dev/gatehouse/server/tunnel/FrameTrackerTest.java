package dev.gatehouse.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

final class FrameTrackerTest {

    private static final int[] LENGTHS = {0, 125, 126, 65535, 65536, 1, 127};

    /** Writes a frame header (and a zero payload) and returns the offset where the frame ends. */
    private static int frame(ByteBuf out, int opcode, boolean fin, int length, boolean masked) {
        out.writeByte((fin ? 0x80 : 0) | opcode);
        int maskBit = masked ? 0x80 : 0;
        if (length < 126) {
            out.writeByte(maskBit | length);
        } else if (length < 65536) {
            out.writeByte(maskBit | 126);
            out.writeShort(length);
        } else {
            out.writeByte(maskBit | 127);
            out.writeLong(length);
        }
        if (masked) {
            out.writeInt(0x7a7b7c7d);
        }
        out.writeZero(length);
        return out.writerIndex();
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 42L, 4711L})
    void boundaries_foundExactly_underRandomChunking(long seed) {
        Random random = new Random(seed);
        ByteBuf stream = Unpooled.buffer();
        List<Integer> ends = new ArrayList<>();
        try {
            for (int i = 0; i < 30; i++) {
                int length = LENGTHS[random.nextInt(LENGTHS.length)];
                int opcode = random.nextInt(4) == 0 ? 0x9 : 0x2;
                ends.add(frame(stream, opcode, true, opcode == 0x9 ? Math.min(length, 125) : length,
                        random.nextBoolean()));
            }
            FrameTracker tracker = new FrameTracker();
            List<Integer> found = new ArrayList<>();
            int offset = 0;
            while (offset < stream.writerIndex()) {
                int chunk = Math.min(stream.writerIndex() - offset, 1 + random.nextInt(random.nextBoolean() ? 3 : 70000));
                int end = offset + chunk;
                // Like a closing tunnel: stop at each frame end inside the chunk, then go on.
                while (offset < end) {
                    offset += tracker.feed(stream, offset, end - offset, true);
                    if (tracker.atBoundary()) {
                        found.add(offset);
                    }
                }
            }
            assertThat(found).containsExactlyElementsOf(ends);
            assertThat(tracker.framesEnded()).isEqualTo(30);
        } finally {
            stream.release();
        }
    }

    @Test
    void feedWithoutStopping_followsEverything_andCountsCloseFrames() {
        ByteBuf stream = Unpooled.buffer();
        try {
            frame(stream, 0x1, false, 126, true);
            frame(stream, 0x9, true, 0, true);
            frame(stream, 0x0, true, 65536, true);
            int closeEnd = frame(stream, FrameTracker.OPCODE_CLOSE, true, 2, true);
            FrameTracker tracker = new FrameTracker();
            for (int i = 0; i < closeEnd; i += 1000) {
                assertThat(tracker.feed(stream, i, Math.min(1000, closeEnd - i), false)).isEqualTo(Math.min(1000, closeEnd - i));
            }
            assertThat(tracker.atBoundary()).isTrue();
            assertThat(tracker.framesEnded()).isEqualTo(4);
            assertThat(tracker.closeFramesEnded()).isEqualTo(1);
            assertThat(tracker.lastEndedOpcode()).isEqualTo(FrameTracker.OPCODE_CLOSE);
        } finally {
            stream.release();
        }
    }

    @Test
    void partialHeader_isNotABoundary() {
        ByteBuf stream = Unpooled.buffer();
        try {
            frame(stream, 0x2, true, 65536, false);
            FrameTracker tracker = new FrameTracker();
            assertThat(tracker.atBoundary()).isTrue();
            tracker.feed(stream, 0, 3, true);
            assertThat(tracker.atBoundary()).isFalse();
            assertThat(tracker.feed(stream, 3, 7, true)).isEqualTo(7);
            assertThat(tracker.atBoundary()).isFalse();
            assertThat(tracker.feed(stream, 10, 65536, true)).isEqualTo(65536);
            assertThat(tracker.atBoundary()).isTrue();
        } finally {
            stream.release();
        }
    }

    @Test
    void lengthWithMostSignificantBit_isCorrupt() {
        ByteBuf stream = Unpooled.buffer().writeByte(0x82).writeByte(127).writeLong(-1L);
        try {
            assertThatThrownBy(() -> new FrameTracker().feed(stream, 0, stream.readableBytes(), false))
                    .isInstanceOf(CorruptedFrameException.class);
        } finally {
            stream.release();
        }
    }
}
