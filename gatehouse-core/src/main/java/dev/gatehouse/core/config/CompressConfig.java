package dev.gatehouse.core.config;

import java.util.List;
import java.util.Objects;

/**
 * A route's compression of its pool's responses, on the fly.
 *
 * @param codings the content codings offered, in the node's order of preference ({@code br},
 *                {@code zstd}, {@code gzip}); one whose native library does not load here is
 *                left out at run time
 * @param minSize the smallest body compressed, in bytes: a smaller one (by its Content-Length)
 *                gains less than the coding's framing costs
 * @param types   the media types compressed (without parameters; {@code text/*} style wildcards
 *                allowed); empty for the built-in list of compressible types
 */
public record CompressConfig(List<String> codings, long minSize, List<String> types) {

    /** The codings in the default order: brotli compresses text best, zstd is fastest, gzip is everywhere. */
    public static final List<String> CODINGS = List.of("br", "zstd", "gzip");
    /** nginx's gzip_min_length is 20 bytes; below about a kilobyte the saving is a packet at most. */
    public static final long DEFAULT_MIN_SIZE = 1024;

    /** Validates and copies. */
    public CompressConfig {
        codings = List.copyOf(codings);
        if (codings.isEmpty()) {
            throw new IllegalArgumentException("codings: [] (expected some of: " + CODINGS + ")");
        }
        for (String c : codings) {
            if (!CODINGS.contains(c)) {
                throw new IllegalArgumentException("codings: \"" + c + "\" (expected some of: " + CODINGS + ")");
            }
        }
        if (minSize < 0) {
            throw new IllegalArgumentException("min_size: " + minSize + " (expected: >= 0)");
        }
        types = List.copyOf(Objects.requireNonNull(types, "types"));
    }

    /** Every coding, 1 KiB and up, the built-in types. */
    public static CompressConfig defaults() {
        return new CompressConfig(CODINGS, DEFAULT_MIN_SIZE, List.of());
    }
}
