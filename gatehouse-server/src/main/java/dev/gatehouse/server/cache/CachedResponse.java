package dev.gatehouse.server.cache;

import dev.gatehouse.core.cache.StoredMeta;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One stored response: what core decided about it ({@link StoredMeta}), the secondary key it was
 * stored under, and its content.
 *
 * <p>The body array belongs to the store from construction on and is never written to again: the
 * constructor does not copy it (that would copy every body once more), so whoever builds one must
 * not change the array afterwards, and whoever reads {@link #body()} must not change it either,
 * since every hit is handed the same array. Safe to share between threads on those terms.
 *
 * @param meta    the status, fields, lifetime and times, from core
 * @param varyKey the secondary key ({@code VaryKey.secondaryKey} of the request that fetched it),
 *                "" when the response has no {@code Vary}
 * @param body    the content, never mutated
 */
public record CachedResponse(StoredMeta meta, String varyKey, byte[] body) {

    /** What a field line is assumed to cost beyond its characters: its entry and two strings. */
    public static final int FIELD_OVERHEAD = 32;

    /** What a stored response is assumed to cost beyond its body and fields: the objects around them. */
    public static final int FIXED_OVERHEAD = 256;

    /** Checks the parts are there. */
    public CachedResponse {
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(varyKey, "varyKey");
        Objects.requireNonNull(body, "body");
    }

    /**
     * An estimate of the heap it holds, in bytes, which is what the tiers are bounded by: the body's
     * length, each field's name and value lengths plus {@link #FIELD_OVERHEAD}, the secondary key's
     * length, and {@link #FIXED_OVERHEAD}. Characters count one byte each, as the JDK stores Latin-1
     * strings, which field lines are.
     */
    public long weight() {
        long w = FIXED_OVERHEAD + (long) body.length + varyKey.length();
        for (Map.Entry<String, String> field : meta.headers()) {
            w += field.getKey().length() + field.getValue().length() + FIELD_OVERHEAD;
        }
        return w;
    }

    /** This response with other metadata, as after a 304 freshened it; the body is shared, not copied. */
    public CachedResponse withMeta(StoredMeta freshened) {
        return new CachedResponse(freshened, varyKey, body);
    }

    /** Equal when the metadata, the secondary key and the body's bytes are (a record would compare the array's identity). */
    @Override
    public boolean equals(Object o) {
        return o instanceof CachedResponse other && meta.equals(other.meta) && varyKey.equals(other.varyKey)
                && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(meta, varyKey, Arrays.hashCode(body));
    }

    /** The status, the secondary key and the body's length, for tests and logs (not the body itself). */
    @Override
    public String toString() {
        return "CachedResponse[status=" + meta.status() + ", varyKey=" + varyKey.replace('\n', ';') + ", body="
                + body.length + " bytes]";
    }
}
