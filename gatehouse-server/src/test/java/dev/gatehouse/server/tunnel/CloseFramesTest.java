package dev.gatehouse.server.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class CloseFramesTest {

    @Test
    void unmasked_carriesCodeAndReason() {
        ByteBuf frame = CloseFrames.encode(ByteBufAllocator.DEFAULT, 1012, CloseFrames.reasonBytes("restart"), false);
        try {
            assertThat((int) frame.readUnsignedByte()).isEqualTo(0x88);
            assertThat((int) frame.readUnsignedByte()).isEqualTo(9);
            assertThat(frame.readUnsignedShort()).isEqualTo(1012);
            assertThat(frame.toString(StandardCharsets.UTF_8)).isEqualTo("restart");
        } finally {
            frame.release();
        }
    }

    @Test
    void masked_unmasksToCodeAndReason() {
        ByteBuf frame = CloseFrames.encode(ByteBufAllocator.DEFAULT, 1001, CloseFrames.reasonBytes("bye"), true);
        try {
            assertThat((int) frame.readUnsignedByte()).isEqualTo(0x88);
            assertThat((int) frame.readUnsignedByte()).isEqualTo(0x80 | 5);
            byte[] key = new byte[4];
            frame.readBytes(key);
            byte[] payload = new byte[5];
            frame.readBytes(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= key[i & 3];
            }
            assertThat(((payload[0] & 0xff) << 8) | (payload[1] & 0xff)).isEqualTo(1001);
            assertThat(new String(payload, 2, 3, StandardCharsets.UTF_8)).isEqualTo("bye");
        } finally {
            frame.release();
        }
    }

    @Test
    void longReason_isCutAtACharacterBoundary() {
        byte[] reason = CloseFrames.reasonBytes("é".repeat(100));
        assertThat(reason.length).isEqualTo(122);
        assertThat(new String(reason, StandardCharsets.UTF_8)).isEqualTo("é".repeat(61));
    }

    @ParameterizedTest
    @ValueSource(ints = {999, 1004, 1005, 1006, 1015, 2000, 5000})
    void reservedCode_isRefused(int code) {
        assertThatThrownBy(() -> CloseFrames.checkCode(code)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("code: " + code);
    }
}
