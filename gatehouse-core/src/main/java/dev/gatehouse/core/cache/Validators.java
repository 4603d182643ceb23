package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HeaderView;
import java.util.List;

/**
 * Entity tags (RFC 9110 §8.8.3) as the cache needs them: reading a stored one and comparing two.
 * Package-private until {@code dev.gatehouse.core.content.EntityTag} is merged.
 */
final class Validators {

    private Validators() {
    }

    /**
     * The {@code ETag} of {@code headers} as received, without surrounding whitespace; null when
     * absent, on more than one line (it is a singleton field and two cannot both be right) or not
     * an {@code entity-tag}.
     */
    static String etag(HeaderView headers) {
        List<String> values = headers.all("ETag");
        if (values.size() != 1) {
            return null;
        }
        String tag = Ascii.trimOws(values.get(0));
        return isEntityTag(tag) ? tag : null;
    }

    /**
     * Whether {@code s} is {@code [ W/ ] DQUOTE *etagc DQUOTE}, where {@code etagc} is {@code !},
     * {@code #} to {@code ~}, or obs-text (0x80-0xFF).
     */
    static boolean isEntityTag(String s) {
        int start = s.startsWith("W/") ? 2 : 0;
        if (s.length() < start + 2 || s.charAt(start) != '"' || s.charAt(s.length() - 1) != '"') {
            return false;
        }
        for (int i = start + 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (!(c == 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff))) {
                return false;
            }
        }
        return true;
    }

    static boolean isWeak(String tag) {
        return tag.startsWith("W/");
    }

    /** Strong comparison (RFC 9110 §8.8.3.2): both strong and the same characters. */
    static boolean strongMatch(String a, String b) {
        return !isWeak(a) && !isWeak(b) && a.equals(b);
    }

    /** Weak comparison (RFC 9110 §8.8.3.2): the same opaque tags, whether weak or not. */
    static boolean weakMatch(String a, String b) {
        return opaque(a).equals(opaque(b));
    }

    private static String opaque(String tag) {
        return isWeak(tag) ? tag.substring(2) : tag;
    }
}
