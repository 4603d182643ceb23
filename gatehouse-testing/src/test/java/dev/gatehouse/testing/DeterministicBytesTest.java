package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

final class DeterministicBytesTest {

    @Test
    void byteAt_followsTheFormula() {
        assertThat(DeterministicBytes.byteAt(0)).isEqualTo((byte) 7);
        assertThat(DeterministicBytes.byteAt(1)).isEqualTo((byte) 38);
        assertThat(DeterministicBytes.byteAt(1000)).isEqualTo((byte) ((1000 * 31 + 7) & 0xff));
        assertThat(DeterministicBytes.byteAt(5_000_000_000L)).isEqualTo((byte) ((5_000_000_000L * 31 + 7) & 0xff));
    }

    @Test
    void stream_yieldsTheSameBytesAsByteAt() throws IOException {
        int n = 200_003;
        try (InputStream in = DeterministicBytes.stream(n)) {
            byte[] all = in.readAllBytes();

            assertThat(all).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(all[i]).isEqualTo(DeterministicBytes.byteAt(i));
            }
        }
    }

    @Test
    void bytes_startsAtAnyOffset() {
        assertThat(DeterministicBytes.bytes(70_001, 3)).containsExactly(
                DeterministicBytes.byteAt(70_001), DeterministicBytes.byteAt(70_002), DeterministicBytes.byteAt(70_003));
    }

    @Test
    void sha256_matchesTheBytes() throws Exception {
        int n = 150_000;
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        digest.update(DeterministicBytes.bytes(0, n));

        assertThat(DeterministicBytes.sha256(n)).isEqualTo(HexFormat.of().formatHex(digest.digest()));
        assertThat(DeterministicBytes.sha256(0))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }
}
