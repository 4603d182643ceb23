package dev.gatehouse.core.content;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps a request path to the names of the file below a static root, without touching the file
 * system: the traversal-safe half of serving a file. Whatever this accepts is a list of plain
 * names, none of them {@code .}, {@code ..}, empty or holding a separator, so joining them below
 * the root cannot climb out of it. What it cannot see (a symbolic link below the root that points
 * elsewhere) the data plane checks on the real path.
 *
 * <p>The rules, in order, each refusing the request:
 * <ol>
 *   <li>The path must start with the route's prefix (compared raw, at a segment boundary); the
 *       rest is below the root. Otherwise 404.</li>
 *   <li>Raw characters: a control character, a space, anything outside ASCII, {@code \},
 *       {@code ?} or {@code #} (the caller passes the path without query), or a {@code %} not
 *       followed by two hex digits: 400.</li>
 *   <li>The path is split on its raw {@code /} first, then each segment is percent-decoded
 *       exactly once, as UTF-8; invalid UTF-8 (overlong forms such as {@code %c0%ae} included):
 *       400. So {@code %252e%252e} is the literal name {@code %2e%2e}, no traversal.</li>
 *   <li>A decoded control character (NUL and C1 included) or backslash: 400; a backslash is
 *       never a separator here, and no name should look like one on any system.</li>
 *   <li>A decoded {@code :}: 400. It is an ordinary character on Linux, but names a drive or an
 *       NTFS stream on Windows, where {@code Path.resolve("C:x")} leaves the root: refused
 *       everywhere so that one configuration behaves the same on every system.</li>
 *   <li>A segment {@code ..}, however spelled ({@code %2e%2e}, {@code .%2E}): 400. It is never
 *       normalised away: a client that sends it is not a browser following a link.</li>
 *   <li>A segment {@code .} and empty segments ({@code //}) are dropped.</li>
 *   <li>More than {@link #MAX_SEGMENTS} segments, a segment over {@link #MAX_SEGMENT_BYTES}
 *       bytes (Linux's {@code NAME_MAX}), or a raw path over {@link #MAX_PATH_LENGTH}
 *       characters: 414.</li>
 *   <li>An encoded slash ({@code %2f}) in a segment: 404. No file name holds a {@code /}, so no
 *       file is found, and the path is not re-split on it (as Apache's default).</li>
 *   <li>A segment starting with {@code .} ({@code .git}, {@code .env}, {@code .htaccess},
 *       {@code ...}): 404 unless {@code allowDotfiles}, so a deployed repository's or tool's
 *       hidden files are not served by accident.</li>
 * </ol>
 * The 400 and 414 rules win over the 404 ones wherever their segments are, so a traversal
 * attempt is always answered (and logged) as one. Trailing dots and spaces in names, and
 * Windows device names, are ordinary names on the Linux hosts Gatehouse serves files from.
 */
public final class RequestPath {

    /** A raw path longer than this is refused with 414. */
    public static final int MAX_PATH_LENGTH = 4096;

    /** The most segments (after dropping {@code .} and empty ones) a path may have. */
    public static final int MAX_SEGMENTS = 64;

    /** The longest segment in UTF-8 bytes, Linux's {@code NAME_MAX}. */
    public static final int MAX_SEGMENT_BYTES = 255;

    /** The outcome. */
    public sealed interface Result {
    }

    /**
     * The names to join below the root, in order.
     *
     * @param segments  decoded names, none empty, {@code .}, {@code ..}, or holding {@code /},
     *                  {@code \}, {@code :} or a control character; empty for the root itself
     * @param directory whether the path ends with {@code /} (or a dropped {@code /.}): the client
     *                  asked for a directory, so an index file or listing, and a plain file at that
     *                  path is not what it meant
     */
    public record Segments(List<String> segments, boolean directory) implements Result {

        /** Copies the list. */
        public Segments {
            segments = List.copyOf(segments);
        }
    }

    /**
     * @param status the answer: 400, 404 or 414
     * @param why    the rule that refused, for the log (never echoed raw to the client)
     */
    public record Refused(int status, String why) implements Result {
    }

    private RequestPath() {
    }

    /**
     * Resolves a request path below a route's prefix; see the class documentation for the rules.
     *
     * @param rawPath       the request's path as received: percent-encoded, without the query
     * @param routePrefix   the route's path prefix, starting with {@code /}; a trailing {@code /}
     *                      makes no difference
     * @param allowDotfiles whether names starting with {@code .} may be served
     * @throws IllegalArgumentException for a prefix that does not start with {@code /}
     */
    public static Result resolve(String rawPath, String routePrefix, boolean allowDotfiles) {
        if (routePrefix == null || !routePrefix.startsWith("/")) {
            throw new IllegalArgumentException("route prefix: " + routePrefix + " (expected: starts with /)");
        }
        if (rawPath == null || !rawPath.startsWith("/")) {
            return new Refused(400, "not an origin-form path");
        }
        if (rawPath.length() > MAX_PATH_LENGTH) {
            return new Refused(414, "path longer than " + MAX_PATH_LENGTH + " characters");
        }
        String prefix = routePrefix.endsWith("/") ? routePrefix.substring(0, routePrefix.length() - 1) : routePrefix;
        if (!rawPath.startsWith(prefix) || (rawPath.length() > prefix.length() && rawPath.charAt(prefix.length()) != '/')) {
            return new Refused(404, "not below the route's prefix");
        }
        String rest = rawPath.substring(prefix.length());
        List<String> segments = new ArrayList<>();
        Refused notFound = null;                           // a 404 waits: a 400 or 414 later in the path wins
        boolean directory = false;
        int from = 1;                                      // rest is empty or starts with '/'
        while (from <= rest.length()) {
            int slash = rest.indexOf('/', from);
            int to = slash < 0 ? rest.length() : slash;
            String name = decode(rest, from, to);
            if (name == null) {
                return new Refused(400, "invalid character or percent-encoding in the path");
            }
            Refused bad = check(name);
            if (bad != null) {
                return bad;
            }
            directory = name.isEmpty() || name.equals(".");
            if (!directory) {
                if (segments.size() == MAX_SEGMENTS) {
                    return new Refused(414, "more than " + MAX_SEGMENTS + " path segments");
                }
                if (notFound == null) {
                    notFound = hidden(name, allowDotfiles);
                }
                segments.add(name);
            }
            from = to + 1;
        }
        return notFound != null ? notFound : new Segments(segments, directory && !rest.isEmpty());
    }

    /** The 400 and 414 rules on a decoded segment, or null. */
    private static Refused check(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return new Refused(400, "control character in the path");
            }
            if (c == '\\') {
                return new Refused(400, "backslash in the path");
            }
            if (c == ':') {
                return new Refused(400, "':' in the path");
            }
        }
        if (name.equals("..")) {
            return new Refused(400, "'..' segment in the path");
        }
        // A UTF-8 byte is at least a char's share: only a long name needs counting.
        if (name.length() > MAX_SEGMENT_BYTES / 3 && name.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            return new Refused(414, "path segment longer than " + MAX_SEGMENT_BYTES + " bytes");
        }
        return null;
    }

    /** The 404 rules on a decoded, kept segment, or null. */
    private static Refused hidden(String name, boolean allowDotfiles) {
        if (name.indexOf('/') >= 0) {
            return new Refused(404, "encoded '/' in the path");
        }
        if (name.startsWith(".") && !allowDotfiles) {
            return new Refused(404, "hidden file or directory in the path");
        }
        return null;
    }

    /**
     * The raw segment {@code s[from, to)} percent-decoded as UTF-8, or null when a raw character
     * is not allowed, an escape is malformed or the bytes are not UTF-8.
     */
    private static String decode(String s, int from, int to) {
        boolean escaped = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '?' || c == '#') {
                return null;
            }
            if (c == '%') {
                if (i + 2 >= to || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
                    return null;
                }
                escaped = true;
            }
        }
        if (!escaped) {
            return s.substring(from, to);
        }
        byte[] bytes = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                bytes[n++] = (byte) (hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 2;
            } else {
                bytes[n++] = (byte) c;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
