package dev.gatehouse.server.cache;

import dev.gatehouse.core.cache.StoredHeaders;
import dev.gatehouse.core.cache.StoredMeta;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The disk tier's file format, version 1: one file per primary key, holding all its variants,
 * named by the SHA-256 of the key in lower-case hex. Integers are big-endian; a string is its
 * length in UTF-8 bytes (int32) and those bytes.
 *
 * <pre>
 *   magic               4 bytes, "GHCR"
 *   version             uint16, 1
 *   key                 string, the primary key (checked against the file's name)
 *   variant count       uint8, 1 to MemoryTier.MAX_VARIANTS
 *   for each variant, most recent first:
 *     varyKey           string
 *     status            uint16, 100 to 999
 *     lifetimeSeconds   int64, &gt;= 0
 *     requestTimeEpoch  int64
 *     responseTimeEpoch int64
 *     field count       int32
 *     for each field:   name string, value string
 *     body length       int32
 *     body              that many bytes
 *   checksum            int32, CRC32C of every byte before it
 * </pre>
 *
 * <p>Reading is strict: a file that is not exactly this (wrong magic or version, a length past the
 * end, bytes left over, a bad checksum, malformed UTF-8, another key) is not read. A new version
 * gets a new number; files of other versions are then treated as unreadable and dropped, which for
 * a cache costs only misses.
 */
final class DiskFormat {

    static final int VERSION = 1;
    private static final int MAGIC = 0x47484352;
    /** The longest key read back: far beyond any request line a listener accepts. */
    private static final int MAX_KEY_BYTES = 1 << 20;
    private static final int CHECKSUM_BYTES = 4;
    private static final HexFormat HEX = HexFormat.of();

    private DiskFormat() {
    }

    /** The name of the file holding {@code key}'s variants: 64 lower-case hex digits. */
    static String fileName(String key) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether {@code name} is one {@link #fileName} gives. */
    static boolean isEntryName(String name) {
        if (name.length() != 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes {@code key}'s variants to {@code out} (not closed).
     *
     * @throws IllegalArgumentException when there are none or too many, or a status does not fit
     */
    static void write(OutputStream out, String key, List<CachedResponse> variants) throws IOException {
        if (variants.isEmpty() || variants.size() > MemoryTier.MAX_VARIANTS) {
            throw new IllegalArgumentException("variants: " + variants.size() + " (expected: 1 to " + MemoryTier.MAX_VARIANTS + ")");
        }
        CRC32C crc = new CRC32C();
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
        data.writeInt(MAGIC);
        data.writeShort(VERSION);
        writeString(data, key);
        data.writeByte(variants.size());
        for (CachedResponse r : variants) {
            StoredMeta meta = r.meta();
            if (meta.status() < 100 || meta.status() > 999) {
                throw new IllegalArgumentException("status: " + meta.status() + " (expected: 100 to 999)");
            }
            writeString(data, r.varyKey());
            data.writeShort(meta.status());
            data.writeLong(meta.lifetimeSeconds());
            data.writeLong(meta.requestTimeEpoch());
            data.writeLong(meta.responseTimeEpoch());
            data.writeInt(meta.headers().size());
            for (Map.Entry<String, String> field : meta.headers()) {
                writeString(data, field.getKey());
                writeString(data, field.getValue());
            }
            data.writeInt(r.body().length);
            data.write(r.body());
        }
        data.flush();
        // Written past the checksummed stream: the checksum does not cover itself.
        new DataOutputStream(out).writeInt((int) crc.getValue());
    }

    /**
     * The key named in the header of {@code file}, reading only the header; null when the header is
     * not this format's.
     */
    static String readKey(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            DataInputStream data = new DataInputStream(in);
            if (size < 10 || data.readInt() != MAGIC || data.readUnsignedShort() != VERSION) {
                return null;
            }
            int length = data.readInt();
            if (length < 0 || length > MAX_KEY_BYTES || length > size - 10) {
                return null;
            }
            return decodeUtf8(ByteBuffer.wrap(data.readNBytes(length)));
        }
    }

    /** The variants {@code file} holds for {@code key}; null when it is not a whole, valid file for that key. */
    static List<CachedResponse> read(byte[] file, String key) {
        if (file.length < 10 + CHECKSUM_BYTES) {
            return null;
        }
        int end = file.length - CHECKSUM_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(file, 0, end);
        ByteBuffer in = ByteBuffer.wrap(file, 0, end);
        if ((int) crc.getValue() != ByteBuffer.wrap(file, end, CHECKSUM_BYTES).getInt()) {
            return null;
        }
        try {
            if (in.getInt() != MAGIC || Short.toUnsignedInt(in.getShort()) != VERSION || !key.equals(readString(in))) {
                return null;
            }
            int count = Byte.toUnsignedInt(in.get());
            if (count < 1 || count > MemoryTier.MAX_VARIANTS) {
                return null;
            }
            List<CachedResponse> variants = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                CachedResponse r = readVariant(in);
                if (r == null) {
                    return null;
                }
                variants.add(r);
            }
            return in.hasRemaining() ? null : List.copyOf(variants);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            // A length past the end, or parts StoredMeta refuses: not a file we wrote.
            return null;
        }
    }

    private static CachedResponse readVariant(ByteBuffer in) {
        String varyKey = readString(in);
        int status = Short.toUnsignedInt(in.getShort());
        long lifetime = in.getLong();
        long requestTime = in.getLong();
        long responseTime = in.getLong();
        int fields = in.getInt();
        // Each field takes at least its two lengths: a count beyond that is a lie, not an allocation.
        if (varyKey == null || status < 100 || status > 999 || fields < 0 || fields > in.remaining() / 8) {
            return null;
        }
        String[] lines = new String[fields * 2];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = readString(in);
            if (lines[i] == null) {
                return null;
            }
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            return null;
        }
        byte[] body = new byte[length];
        in.get(body);
        return new CachedResponse(new StoredMeta(status, StoredHeaders.of(lines), lifetime, requestTime, responseTime),
                varyKey, body);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** The next string, or null when its length is impossible or its bytes are not UTF-8. */
    private static String readString(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            return null;
        }
        ByteBuffer bytes = in.slice(in.position(), length);
        in.position(in.position() + length);
        return decodeUtf8(bytes);
    }

    private static String decodeUtf8(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
