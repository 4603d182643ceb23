package dev.gatehouse.core.content;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An entity tag (RFC 9110 §8.8.3): an opaque validator of a representation, strong or weak.
 *
 * <p>The grammar is applied strictly: {@code entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE} with
 * {@code etagc = %x21 / %x23-7E / obs-text}, the weak prefix in upper case only ({@code %s"W/"}).
 * Header values arrive as Latin-1 characters, so {@code obs-text} is a char 0x80-0xFF; anything
 * above is not a byte of the field and is refused. Parsing never throws: a malformed tag or list
 * is {@code null}, and the caller decides what a malformed validator means
 * ({@link Conditionals} documents it for the conditional headers).
 *
 * @param weak   whether the tag carries the {@code W/} prefix
 * @param opaque the tag's characters between the quotes, without them
 */
public record EntityTag(boolean weak, String opaque) {

    /** The most tags an {@code If-Match} or {@code If-None-Match} list may hold; longer is malformed. */
    public static final int MAX_LIST_TAGS = 64;

    /** The longest single tag {@link #parse} reads, quotes and prefix included. */
    public static final int MAX_TAG_LENGTH = 1024;

    /** The longest list value {@link #parseList} reads; a cached page's validators fit many times over. */
    public static final int MAX_LIST_LENGTH = 16 * 1024;

    /**
     * Checks the opaque part, so that {@link #toString()} is always a valid field value.
     *
     * @throws IllegalArgumentException when {@code opaque} holds a character that is not {@code etagc}
     */
    public EntityTag {
        Objects.requireNonNull(opaque, "opaque");
        for (int i = 0; i < opaque.length(); i++) {
            if (!isEtagc(opaque.charAt(i))) {
                throw new IllegalArgumentException("entity tag: invalid character at " + i + " (expected: %x21, %x23-7E or %x80-FF)");
            }
        }
    }

    /** A strong tag; convenience for servers that compute their tags. */
    public static EntityTag strong(String opaque) {
        return new EntityTag(false, opaque);
    }

    /**
     * Parses a single entity tag, such as an {@code ETag} or {@code If-Range} value.
     * Leading and trailing OWS is allowed (a field value's own whitespace), nothing else is.
     *
     * @param text the value; may be null
     * @return the tag, or {@code null} when {@code text} is null, longer than
     *         {@link #MAX_TAG_LENGTH} or not exactly one entity tag
     */
    public static EntityTag parse(String text) {
        if (text == null || text.length() > MAX_TAG_LENGTH) {
            return null;
        }
        String s = HttpSyntax.trimOws(text);
        int end = tagEnd(s, 0);
        return end == s.length() ? tagAt(s, 0, end) : null;
    }

    /**
     * Whether a conditional header's value is the wildcard {@code *} (which matches any current
     * representation). {@link #parseList} treats {@code *} as malformed, so callers ask this first.
     *
     * @param headerValue the (combined) value; may be null
     */
    public static boolean isAny(String headerValue) {
        return headerValue != null && headerValue.length() <= MAX_LIST_LENGTH && HttpSyntax.trimOws(headerValue).equals("*");
    }

    /**
     * Parses the {@code #entity-tag} list of {@code If-Match} or {@code If-None-Match}
     * (RFC 9110 §13.1.1, §13.1.2). Empty list elements and OWS around the commas are accepted as
     * RFC 9110 §5.6.1.2 requires of recipients; a value with no element at all is a valid empty list.
     *
     * @param headerValue the value, several field lines already joined with {@code ", "}; may be null
     * @return the tags in the order given, or {@code null} when the value is null, malformed, holds
     *         {@code *} (see {@link #isAny}), or is longer than {@link #MAX_LIST_LENGTH} characters or
     *         {@link #MAX_LIST_TAGS} tags
     */
    public static List<EntityTag> parseList(String headerValue) {
        if (headerValue == null || headerValue.length() > MAX_LIST_LENGTH) {
            return null;
        }
        String s = HttpSyntax.trimOws(headerValue);
        List<EntityTag> tags = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == ',') {                      // an empty element
                i = HttpSyntax.skipOws(s, i + 1);
                continue;
            }
            int end = tagEnd(s, i);
            if (end < 0 || tags.size() == MAX_LIST_TAGS) {
                return null;
            }
            tags.add(tagAt(s, i, end));
            i = HttpSyntax.skipOws(s, end);
            if (i < s.length()) {
                if (s.charAt(i) != ',') {
                    return null;                           // two tags without a comma, or trailing junk
                }
                i = HttpSyntax.skipOws(s, i + 1);
            }
        }
        return List.copyOf(tags);
    }

    /**
     * The strong comparison (RFC 9110 §8.8.3.2): both tags strong and their opaque parts equal,
     * character for character.
     */
    public boolean strongMatch(EntityTag other) {
        return other != null && !weak && !other.weak && opaque.equals(other.opaque);
    }

    /** The weak comparison (RFC 9110 §8.8.3.2): the opaque parts are equal, either tag may be weak. */
    public boolean weakMatch(EntityTag other) {
        return other != null && opaque.equals(other.opaque);
    }

    /**
     * This tag marked weak, as a server labels a representation that it transformed (for example
     * compressed on the fly) without a byte-exact validator for the result.
     */
    public EntityTag weakened() {
        return weak ? this : new EntityTag(true, opaque);
    }

    /** The wire form: {@code "x"} or {@code W/"x"}. */
    @Override
    public String toString() {
        return (weak ? "W/\"" : "\"") + opaque + '"';
    }

    /** The end (exclusive) of the entity tag that starts at {@code from}, or -1 when none does. */
    private static int tagEnd(String s, int from) {
        int i = from;
        if (s.startsWith("W/", i)) {
            i += 2;
        }
        if (i >= s.length() || s.charAt(i) != '"') {
            return -1;
        }
        for (i++; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (!isEtagc(c)) {
                return -1;
            }
        }
        return -1;                                         // no closing quote
    }

    private static EntityTag tagAt(String s, int from, int end) {
        boolean weak = s.charAt(from) == 'W';
        return new EntityTag(weak, s.substring(from + (weak ? 3 : 1), end - 1));
    }

    private static boolean isEtagc(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x7e) || (c >= 0x80 && c <= 0xff);
    }
}
