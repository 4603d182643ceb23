package dev.gatehouse.core.content;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Media types of static files by their name's extension, and whether a type is worth compressing.
 *
 * <p>The table is the resource {@code media-types.txt} next to this class, read once. Textual
 * types get {@code ; charset=utf-8}: a static server's text files are taken to be UTF-8, and
 * naming the charset keeps browsers from sniffing one (and from executing what they guessed).
 * Textual means {@code text/*}, {@code application/json}, {@code application/xml} and the
 * {@code +json} and {@code +xml} structured suffixes (so {@code image/svg+xml} and
 * {@code application/manifest+json} too).
 */
public final class MediaTypes {

    /** The type of a file whose extension is unknown, or that has none. */
    public static final String DEFAULT = "application/octet-stream";

    /** Longer extensions are in no table: not worth lower-casing a long client-chosen name. */
    private static final int MAX_EXTENSION_LENGTH = 16;

    /**
     * Compressible types outside the rules of {@link #compressible}: uncompressed fonts, the
     * uncompressed image formats, WebAssembly (compresses well) and playlists.
     */
    private static final Set<String> COMPRESSIBLE = Set.of(
            "application/javascript", "application/ecmascript", "application/wasm", "application/yaml",
            "application/toml", "application/rtf", "application/vnd.apple.mpegurl", "application/vnd.ms-fontobject",
            "font/ttf", "font/otf", "font/collection", "image/bmp", "image/x-icon", "image/vnd.microsoft.icon");

    private MediaTypes() {
    }

    /**
     * The media type for a file name, by its extension (after the last dot, case-insensitive).
     * A name without extension, with only a leading dot ({@code .profile}) or ending in a dot has
     * {@link #DEFAULT}, as has an unknown extension.
     *
     * @param fileName a file name or a path (only the part after the last {@code /} is read); may be null
     */
    public static String forFileName(String fileName) {
        if (fileName == null) {
            return DEFAULT;
        }
        int slash = fileName.lastIndexOf('/');
        int dot = fileName.lastIndexOf('.');
        if (dot <= slash + 1 || fileName.length() - dot - 1 > MAX_EXTENSION_LENGTH) {
            return DEFAULT;
        }
        String type = Table.TYPES.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type == null ? DEFAULT : type;
    }

    /**
     * Whether compressing a response of this type on the fly is worth it. Parameters and case are
     * ignored. True for textual types (as in the class documentation, {@code text/event-stream}
     * excepted: compressing buffers, and events must go out as they come), JavaScript,
     * WebAssembly, YAML, the uncompressed font formats (TrueType, OpenType, EOT) and the two
     * uncompressed image formats (BMP and icons). False for everything else: other images, audio,
     * video, archives, WOFF and WOFF2 (compressed already), PDF, unknown types and null.
     */
    public static boolean compressible(String mediaType) {
        if (mediaType == null) {
            return false;
        }
        int semicolon = mediaType.indexOf(';');
        String t = HttpSyntax.trimOws(semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).toLowerCase(Locale.ROOT);
        if (t.equals("text/event-stream")) {
            return false;
        }
        return isTextual(t) || COMPRESSIBLE.contains(t);
    }

    /** {@code text/*}, JSON, XML and their structured suffixes; {@code type} lower case without parameters. */
    private static boolean isTextual(String type) {
        int slash = type.indexOf('/');
        if (slash <= 0 || slash == type.length() - 1) {
            return false;
        }
        return type.startsWith("text/") || type.equals("application/json") || type.equals("application/xml")
                || type.endsWith("+json") || type.endsWith("+xml");
    }

    /** Read on first use: a server that serves no files never reads it. */
    private static final class Table {
        static final Map<String, String> TYPES = load();

        private static Map<String, String> load() {
            Map<String, String> types = new HashMap<>();
            try (InputStream in = MediaTypes.class.getResourceAsStream("media-types.txt")) {
                if (in == null) {
                    throw new IllegalStateException("media-types.txt missing from the class path");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                int n = 0;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    n++;
                    int hash = line.indexOf('#');
                    String[] f = (hash < 0 ? line : line.substring(0, hash)).trim().split("\\s+");
                    if (f.length == 1 && f[0].isEmpty()) {
                        continue;
                    }
                    if (f.length != 2 || !f[0].matches("[a-z0-9]+") || !f[1].matches("[a-z0-9.+-]+/[a-z0-9.+-]+")
                            || types.put(f[0], isTextual(f[1]) ? f[1] + "; charset=utf-8" : f[1]) != null) {
                        throw new IllegalStateException("media-types.txt line " + n + ": \"" + line + "\" (expected: a new extension and a type)");
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.copyOf(types);
        }
    }
}
