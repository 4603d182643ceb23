package dev.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds an HPACK header block (RFC 7541) representation by representation, exactly as written:
 * nothing is validated, lowercased or reordered, so a test can send what a real encoder never
 * would (uppercase names, pseudo-headers after regular ones, invalid indexes, oversized integers,
 * table size updates in the wrong place, hand-made Huffman strings).
 *
 * <pre>{@code
 * byte[] block = new HpackBlock()
 *         .literal(":method", "GET").literal(":scheme", "http")
 *         .literal(":path", "/").literal(":authority", "x")
 *         .bytes();
 * }</pre>
 *
 * <p>Strings are written as raw octets (ISO-8859-1 of the given text) without Huffman coding
 * unless {@link #huffmanString} is used. Not thread-safe.
 */
public final class HpackBlock {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Creates an empty block. */
    public HpackBlock() {
    }

    /**
     * A GET request's pseudo-headers in the usual order, as literals without indexing.
     *
     * @param path the {@code :path}
     * @return a new block holding {@code :method GET}, {@code :scheme http}, {@code :path}, {@code :authority x}
     */
    public static HpackBlock get(String path) {
        return request("GET", path);
    }

    /**
     * A request's pseudo-headers in the usual order, as literals without indexing.
     *
     * @param method the {@code :method}
     * @param path the {@code :path}
     * @return a new block holding {@code :method}, {@code :scheme http}, {@code :path}, {@code :authority x}
     */
    public static HpackBlock request(String method, String path) {
        return new HpackBlock().literal(":method", method).literal(":scheme", "http").literal(":path", path)
                .literal(":authority", "x");
    }

    /**
     * An indexed header field (section 6.1): one index into the static or dynamic table.
     *
     * @param index the index, 1 and up for a valid one; anything is written
     * @return this
     */
    public HpackBlock indexed(long index) {
        return integer(0x80, 7, index);
    }

    /**
     * A literal header field without indexing (section 6.2.2) with a literal name.
     *
     * @param name the name, written as given
     * @param value the value, written as given
     * @return this
     */
    public HpackBlock literal(String name, String value) {
        integer(0x00, 4, 0);
        return string(name).string(value);
    }

    /**
     * A literal header field with incremental indexing (section 6.2.1) with a literal name: the
     * field is added to the dynamic table, where {@link #indexed} can reuse it (index 62 is the
     * newest entry).
     *
     * @param name the name
     * @param value the value
     * @return this
     */
    public HpackBlock literalIndexed(String name, String value) {
        integer(0x40, 6, 0);
        return string(name).string(value);
    }

    /**
     * A literal header field without indexing whose name is a table index.
     *
     * @param nameIndex the name's index
     * @param value the value
     * @return this
     */
    public HpackBlock literalWithIndexedName(long nameIndex, String value) {
        integer(0x00, 4, nameIndex);
        return string(value);
    }

    /**
     * A dynamic table size update (section 6.3).
     *
     * @param size the new maximum size
     * @return this
     */
    public HpackBlock tableSizeUpdate(long size) {
        return integer(0x20, 5, size);
    }

    /**
     * An integer with an N-bit prefix (section 5.1), its first octet OR-ed with a pattern.
     *
     * @param pattern the bits above the prefix in the first octet
     * @param prefixBits the prefix's size, 1 to 8
     * @param value the value, 0 or more
     * @return this
     */
    public HpackBlock integer(int pattern, int prefixBits, long value) {
        long max = (1L << prefixBits) - 1;
        if (value < max) {
            out.write(pattern | (int) value);
            return this;
        }
        out.write(pattern | (int) max);
        long rest = value - max;
        while (rest >= 128) {
            out.write((int) (rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out.write((int) rest);
        return this;
    }

    /**
     * A string literal without Huffman coding (section 5.2).
     *
     * @param s the text, one octet per char (ISO-8859-1)
     * @return this
     */
    public HpackBlock string(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(0x00, 7, b.length);
        out.writeBytes(b);
        return this;
    }

    /**
     * A string literal marked Huffman-coded whose octets are given as they are, for invalid codes
     * (bad padding, an EOS symbol).
     *
     * @param huffmanOctets the coded octets
     * @return this
     */
    public HpackBlock huffmanString(byte[] huffmanOctets) {
        integer(0x80, 7, huffmanOctets.length);
        out.writeBytes(huffmanOctets);
        return this;
    }

    /**
     * Raw octets, for anything else (a truncated representation).
     *
     * @param octets the octets
     * @return this
     */
    public HpackBlock raw(byte... octets) {
        out.writeBytes(octets);
        return this;
    }

    /**
     * Returns the block so far.
     *
     * @return a copy of the encoded octets
     */
    public byte[] bytes() {
        return out.toByteArray();
    }
}
