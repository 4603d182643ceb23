package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A route's static files: the route answers from a directory instead of (or before) a pool. The
 * route's path prefix is taken off the request path, and the rest names a file below {@code root}
 * (like nginx's {@code alias}). When the route also names a pool, a request no file answers goes to
 * that pool (like nginx's {@code try_files $uri @app}).
 *
 * @param root               the directory served; may contain {@code {version}}, filled with the live
 *                           version of the route's pool, so assets switch with the app at a cutover.
 *                           Relative paths are relative to the node's working directory
 * @param index              the file names tried, in order, for a request that names a directory
 * @param listing            whether a directory without an index file gets an HTML listing (off: 404)
 * @param dotfiles           whether names starting with {@code .} are served (off: they do not exist)
 * @param symlinksOutsideRoot whether a symbolic link may lead out of the root (off: such files do not exist)
 * @param precompressed      the codings whose precompressed siblings ({@code .br}, {@code .gz},
 *                           {@code .zst}) are looked for, in the node's order of preference; empty: none
 * @param maxAge             the {@code Cache-Control: max-age} sent with every file, or null to send
 *                           no {@code Cache-Control}
 * @param immutable          whether fingerprinted names (matching {@code fingerprint}) are sent with a
 *                           year's max-age and {@code immutable}
 * @param fingerprint        what a fingerprinted file name looks like, matched against the name only
 */
public record StaticConfig(String root, List<String> index, boolean listing, boolean dotfiles,
                           boolean symlinksOutsideRoot, List<String> precompressed, Duration maxAge,
                           boolean immutable, Pattern fingerprint) {

    /** What {@code {version}} in the root is replaced with. */
    public static final String VERSION_PLACEHOLDER = "{version}";
    /** The codings a precompressed sibling may have, with its file name suffix. */
    public static final List<String> CODINGS = List.of("br", "zstd", "gzip");
    /**
     * A content hash in a file name as the common asset pipelines write it: {@code app.3f2a9c1b.js}
     * (webpack, Vite, Django's manifest storage), {@code app-3f2a9c1b....css} (Rails, esbuild): eight or
     * more hex digits between a dot or dash and the extension.
     */
    public static final String DEFAULT_FINGERPRINT = "[.-][0-9a-fA-F]{8,}\\.[A-Za-z0-9]+$";
    /** The max-age of fingerprinted names: a year, as RFC 8246's examples and the pipelines use. */
    public static final Duration IMMUTABLE_MAX_AGE = Duration.ofDays(365);

    /** Validates and copies. */
    public StaticConfig {
        Objects.requireNonNull(root, "root");
        if (root.isEmpty()) {
            throw new IllegalArgumentException("root: empty (expected: a directory)");
        }
        index = List.copyOf(index);
        for (String name : index) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("index: \"" + name + "\" (expected: a file name, without /)");
            }
        }
        precompressed = List.copyOf(precompressed);
        for (String coding : precompressed) {
            if (!CODINGS.contains(coding)) {
                throw new IllegalArgumentException("precompressed: \"" + coding + "\" (expected some of: " + CODINGS + ")");
            }
        }
        if (maxAge != null && maxAge.isNegative()) {
            throw new IllegalArgumentException("max_age: " + maxAge + " (expected: >= 0)");
        }
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** A static root with the defaults: {@code index.html}, no listing, no dotfiles, br and gzip siblings, no Cache-Control. */
    public static StaticConfig of(String root) {
        return new StaticConfig(root, List.of("index.html"), false, false, false, List.of("br", "gzip"), null, false,
                Pattern.compile(DEFAULT_FINGERPRINT));
    }

    /** Whether the root names a version ({@code {version}}): it then changes with the pool's live version. */
    public boolean versioned() {
        return root.contains(VERSION_PLACEHOLDER);
    }

    /** The file name suffix of a precompressed sibling with {@code coding}. */
    public static String suffix(String coding) {
        return switch (coding) {
            case "br" -> ".br";
            case "zstd" -> ".zst";
            case "gzip" -> ".gz";
            default -> throw new IllegalArgumentException(coding);
        };
    }

    // Pattern has no equals: compare its source, so that reloading an unchanged file changes nothing.
    @Override
    public boolean equals(Object o) {
        return o instanceof StaticConfig s && root.equals(s.root) && index.equals(s.index) && listing == s.listing
                && dotfiles == s.dotfiles && symlinksOutsideRoot == s.symlinksOutsideRoot
                && precompressed.equals(s.precompressed) && Objects.equals(maxAge, s.maxAge) && immutable == s.immutable
                && fingerprint.pattern().equals(s.fingerprint.pattern());
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, index, listing, dotfiles, symlinksOutsideRoot, precompressed, maxAge, immutable,
                fingerprint.pattern());
    }
}
