package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.core.cache.CachePolicy;
import java.time.Duration;
import java.util.List;

/**
 * Reads a route's {@code cache} section ({@link CacheConfig}); {@code cache: true} (or {@code {}}) is
 * every default. Part of {@link ConfigWalker}.
 */
final class CacheWalker {

    static final List<String> KEYS = List.of("memory", "disk", "collapse_timeout", "max_object", "authorized",
            "set_cookie", "private", "heuristic_max", "stale_if_error", "stale_while_revalidate");
    static final List<String> DISK_KEYS = List.of("path", "size");

    private final Values in;

    CacheWalker(Values in) {
        this.in = in;
    }

    CacheConfig cache(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? CacheConfig.defaults() : null;
        }
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        CachePolicy d = CachePolicy.DEFAULTS;
        Long memory = CacheConfig.DEFAULT_MEMORY;
        CacheConfig.Disk disk = null;
        Duration collapse = CacheConfig.DEFAULT_COLLAPSE_TIMEOUT;
        Long maxObject = d.maxObjectBytes();
        Boolean authorized = d.cacheAuthorized();
        Boolean setCookie = d.cacheSetCookie();
        Boolean priv = d.cachePrivate();
        Duration heuristicMax = Duration.ofSeconds(d.heuristicMaxSeconds());
        Duration staleIfError = Duration.ZERO;
        Duration staleWhileRevalidate = Duration.ZERO;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "memory" -> memory = in.size(f.value(), f.path(), 1, Long.MAX_VALUE);
                case "disk" -> disk = disk(f.value(), f.path());
                case "collapse_timeout" -> collapse = in.duration(f.value(), f.path());
                case "max_object" -> maxObject = in.size(f.value(), f.path(), 1, Integer.MAX_VALUE);
                case "authorized" -> authorized = in.bool(f.value(), f.path());
                case "set_cookie" -> setCookie = in.bool(f.value(), f.path());
                case "private" -> priv = in.bool(f.value(), f.path());
                case "heuristic_max" -> heuristicMax = in.durationOrZero(f.value(), f.path());
                case "stale_if_error" -> staleIfError = in.durationOrZero(f.value(), f.path());
                case "stale_while_revalidate" -> staleWhileRevalidate = in.durationOrZero(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        long m = memory;
        CacheConfig.Disk dk = disk;
        Duration c = collapse;
        boolean a = authorized;
        boolean sc = setCookie;
        boolean pr = priv;
        long hm = heuristicMax.toSeconds();
        long sie = staleIfError.toSeconds();
        long swr = staleWhileRevalidate.toSeconds();
        long mo = maxObject;
        CachePolicy policy = in.build(path, KEYS, () -> new CachePolicy(a, sc, pr, hm, CachePolicy.DEFAULT_HEURISTIC_FRACTION,
                sie, swr, mo));
        return policy == null ? null : in.build(path, KEYS, () -> new CacheConfig(m, dk, c, policy));
    }

    private CacheConfig.Disk disk(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, DISK_KEYS);
        if (fields == null) {
            return null;
        }
        String dir = null;
        Long size = null;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "path" -> dir = in.string(f.value(), f.path());
                case "size" -> size = in.size(f.value(), f.path(), 1, Long.MAX_VALUE);
                default -> in.unknown(f);
            }
        }
        if (!fields.has("path")) {
            in.missing(Paths.child(path, "path"), "a directory for the cache's files");
        }
        if (!fields.has("size")) {
            in.missing(Paths.child(path, "size"), "the most bytes the files may take, such as 10GiB");
        }
        if (dir == null || size == null) {
            return null;
        }
        String p = dir;
        long s = size;
        return in.build(path, DISK_KEYS, () -> new CacheConfig.Disk(p, s));
    }
}
