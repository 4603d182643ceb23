package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.cache.StoredHeaders;
import dev.gatehouse.core.cache.StoredMeta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk file format: what is written reads back, and anything else does not read at all. */
final class DiskFormatTest {

    private static final String KEY = "site|v1|live|GET|https|example.com|/a?b=1";

    @TempDir
    Path dir;

    private static byte[] bytes(String key, List<CachedResponse> variants) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DiskFormat.write(out, key, variants);
        return out.toByteArray();
    }

    private static List<CachedResponse> twoVariants() {
        StoredHeaders odd = StoredHeaders.of("X-Latin", "caf\u00e9", "X-Empty", "", "Content-Type", "text/plain");
        return List.of(Responses.of("accept-encoding=gzip", 300, 'g'),
                new CachedResponse(new StoredMeta(404, odd, 0, -5, Long.MAX_VALUE), "", new byte[0]));
    }

    @Test
    void variants_readBackEqual_inOrder() throws IOException {
        assertThat(DiskFormat.read(bytes(KEY, twoVariants()), KEY)).isEqualTo(twoVariants());
    }

    @Test
    void anotherKeysFile_doesNotRead() throws IOException {
        assertThat(DiskFormat.read(bytes(KEY, twoVariants()), KEY + "x")).isNull();
    }

    @Test
    void everyTruncation_doesNotRead() throws IOException {
        byte[] file = bytes(KEY, twoVariants());
        for (int length = 0; length < file.length; length++) {
            assertThat(DiskFormat.read(Arrays.copyOf(file, length), KEY)).as("first %d bytes", length).isNull();
        }
    }

    @Test
    void everyChangedByte_doesNotRead() throws IOException {
        byte[] file = bytes(KEY, twoVariants());
        for (int i = 0; i < file.length; i++) {
            byte[] changed = file.clone();
            changed[i] ^= 0x10;
            assertThat(DiskFormat.read(changed, KEY)).as("byte %d changed", i).isNull();
        }
    }

    @Test
    void trailingBytes_doNotRead() throws IOException {
        byte[] file = bytes(KEY, twoVariants());
        assertThat(DiskFormat.read(Arrays.copyOf(file, file.length + 1), KEY)).isNull();
    }

    @Test
    void theHeaderAlone_givesTheKey_andGarbageGivesNone() throws IOException {
        Path good = Files.write(dir.resolve("good"), bytes(KEY, twoVariants()));
        Path shortHeader = Files.write(dir.resolve("short"), Arrays.copyOf(bytes(KEY, twoVariants()), 12));
        Path garbage = Files.writeString(dir.resolve("garbage"), "not a cache file at all");

        assertThat(DiskFormat.readKey(good)).isEqualTo(KEY);
        assertThat(DiskFormat.readKey(shortHeader)).isNull();
        assertThat(DiskFormat.readKey(garbage)).isNull();
    }

    @Test
    void noVariantsOrTooMany_areNotWritten() {
        List<CachedResponse> nine = Collections.nCopies(MemoryTier.MAX_VARIANTS + 1, Responses.of(1));
        assertThatThrownBy(() -> bytes(KEY, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bytes(KEY, nine)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fileNames_areTheKeysSha256InHex() {
        String name = DiskFormat.fileName("abc");

        assertThat(name).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(DiskFormat.isEntryName(name)).isTrue();
        assertThat(DiskFormat.isEntryName(name.toUpperCase())).isFalse();
        assertThat(DiskFormat.isEntryName(name + ".tmp")).isFalse();
    }
}
