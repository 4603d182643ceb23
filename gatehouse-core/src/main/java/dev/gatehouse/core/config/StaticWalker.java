package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a route's {@code static} section ({@link StaticConfig}): a plain string is the root with
 * every default. A root without {@code {version}} must be a directory now: a typo would otherwise
 * only show as 404s. Part of {@link ConfigWalker}.
 */
final class StaticWalker {

    static final List<String> KEYS = List.of("root", "index", "listing", "dotfiles", "symlinks_outside_root",
            "precompressed", "max_age", "immutable", "fingerprint");

    private final Values in;

    StaticWalker(Values in) {
        this.in = in;
    }

    StaticConfig files(JsonNode node, String path) {
        if (node.isTextual()) {
            String root = root(in.string(node, path), path);
            return root == null ? null : in.build(path, KEYS, () -> StaticConfig.of(root));
        }
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        StaticConfig d = StaticConfig.of(".");
        String root = null;
        List<String> index = d.index();
        Boolean listing = d.listing();
        Boolean dotfiles = d.dotfiles();
        Boolean symlinks = d.symlinksOutsideRoot();
        List<String> precompressed = d.precompressed();
        Duration maxAge = null;
        Boolean immutable = d.immutable();
        Pattern fingerprint = d.fingerprint();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "root" -> root = root(in.string(f.value(), f.path()), f.path());
                case "index" -> index = in.strings(f.value(), f.path(), "file names");
                case "listing" -> listing = in.bool(f.value(), f.path());
                case "dotfiles" -> dotfiles = in.bool(f.value(), f.path());
                case "symlinks_outside_root" -> symlinks = in.bool(f.value(), f.path());
                case "precompressed" -> precompressed = precompressed(f.value(), f.path());
                case "max_age" -> maxAge = in.durationOrZero(f.value(), f.path());
                case "immutable" -> immutable = in.bool(f.value(), f.path());
                case "fingerprint" -> fingerprint = pattern(in.string(f.value(), f.path()), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("root")) {
            in.missing(Paths.child(path, "root"), "the directory to serve");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        String r = root;
        List<String> ix = index;
        boolean l = listing;
        boolean dot = dotfiles;
        boolean sl = symlinks;
        List<String> pc = precompressed;
        Duration ma = maxAge;
        boolean im = immutable;
        Pattern fp = fingerprint;
        return in.build(path, KEYS, () -> new StaticConfig(r, ix, l, dot, sl, pc, ma, im, fp));
    }

    private String root(String text, String path) {
        if (text == null) {
            return null;
        }
        if (text.isEmpty()) {
            in.error(path, "\"\" (expected: a directory)");
            return null;
        }
        if (text.contains(StaticConfig.VERSION_PLACEHOLDER)) {
            // Checked when a version is live: its release directory may not exist yet.
            return text;
        }
        try {
            if (!Files.isDirectory(Path.of(text))) {
                in.error(path, Values.quote(text) + " is not a directory (expected: the directory to serve; relative to the working directory)");
                return null;
            }
        } catch (InvalidPathException e) {
            in.error(path, Values.quote(text) + " (expected: a directory path)");
            return null;
        }
        return text;
    }

    private List<String> precompressed(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? List.of("br", "gzip") : List.of();
        }
        List<String> codings = in.strings(node, path, "codings");
        if (codings == null) {
            return null;
        }
        for (String c : codings) {
            if (!StaticConfig.CODINGS.contains(c)) {
                in.error(path, Values.quote(c) + " (expected some of: br, zstd, gzip; or true or false)");
                return null;
            }
        }
        return codings;
    }

    private Pattern pattern(String text, String path) {
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            in.error(path, Values.quote(text) + " (expected: a regular expression: " + e.getDescription() + ")");
            return null;
        }
    }
}
