package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * Sends requests whose host and path match to a pool, answers them with a redirect, or serves them
 * from static files (with the pool, if one is named, for the requests no file answers): a route has a
 * pool, a redirect or static files, and only static files may come with a pool.
 *
 * @param host           an exact host ({@code api.example.com}), a wildcard ({@code *.example.com}:
 *                       any subdomain, at any depth), or {@code null} for any host; lower case, no port
 * @param pathPrefix     the path must start with it; starts with {@code /}
 * @param pool           the name of the pool that serves the matched requests (with static files: those no
 *                       file answers); {@code null} for a redirect, or static files alone
 * @param maxRequestBody the largest request body in bytes on this route (0: no limit), in place of
 *                       {@link LimitsConfig#maxRequestBody()}; {@code null} to keep that one
 * @param rateLimit      the route's request rate limit, or {@code null} for none
 * @param redirect       the redirect that answers the matched requests, or {@code null}
 * @param staticFiles    the static files that answer the matched requests, or {@code null}
 * @param cache          the HTTP cache in front of the route's pool, or {@code null} for none
 * @param compress       compression of the pool's responses, or {@code null} for none
 */
public record RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit,
                          RedirectConfig redirect, StaticConfig staticFiles, CacheConfig cache, CompressConfig compress) {

    /** Validates the parts. */
    public RouteConfig {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if (redirect != null && (pool != null || staticFiles != null)) {
            throw new IllegalArgumentException("redirect: set together with " + (pool != null ? "pool " + pool : "static")
                    + " (expected: one of them)");
        }
        if (pool == null && redirect == null && staticFiles == null) {
            throw new IllegalArgumentException("pool: missing (expected: the name of a pool, a redirect or static files)");
        }
        if (compress != null && pool == null) {
            throw new IllegalArgumentException("compress: the route has no pool whose responses to compress (expected: a pool beside compress)");
        }
        if (cache != null && pool == null) {
            throw new IllegalArgumentException("cache: the route has no pool to cache (expected: a pool beside cache)");
        }
        if (staticFiles != null && staticFiles.versioned() && pool == null) {
            throw new IllegalArgumentException("static: the root names {version}, which is the live version of the route's"
                    + " pool, and the route has none (expected: a pool beside static)");
        }
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("path_prefix: \"" + pathPrefix + "\" (expected: starts with /)");
        }
        if (maxRequestBody != null && maxRequestBody < 0) {
            throw new IllegalArgumentException("max_request_body: " + maxRequestBody + " (expected: >= 0)");
        }
    }

    /** A route without compression. */
    public RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit,
                       RedirectConfig redirect, StaticConfig staticFiles, CacheConfig cache) {
        this(host, pathPrefix, pool, maxRequestBody, rateLimit, redirect, staticFiles, cache, null);
    }

    /** A route without a cache or compression. */
    public RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit,
                       RedirectConfig redirect, StaticConfig staticFiles) {
        this(host, pathPrefix, pool, maxRequestBody, rateLimit, redirect, staticFiles, null, null);
    }

    /** A route to a pool, or a redirect. */
    public RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit,
                       RedirectConfig redirect) {
        this(host, pathPrefix, pool, maxRequestBody, rateLimit, redirect, null, null);
    }

    /** A route to a pool. */
    public RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit) {
        this(host, pathPrefix, pool, maxRequestBody, rateLimit, null, null, null);
    }

    /** A route to a pool without limits of its own. */
    public RouteConfig(String host, String pathPrefix, String pool) {
        this(host, pathPrefix, pool, null, null);
    }

    /** A route that answers with {@code redirect}, without limits of its own. */
    public static RouteConfig redirecting(String host, String pathPrefix, RedirectConfig redirect) {
        return new RouteConfig(host, pathPrefix, null, null, null, Objects.requireNonNull(redirect, "redirect"), null, null);
    }

    /** A route that serves {@code files}, with {@code fallbackPool} (or null) for what no file answers. */
    public static RouteConfig serving(String host, String pathPrefix, StaticConfig files, String fallbackPool) {
        return new RouteConfig(host, pathPrefix, fallbackPool, null, null, null, Objects.requireNonNull(files, "files"), null);
    }

    /** A route to {@code pool} with {@code cache} in front of it. */
    public static RouteConfig cached(String host, String pathPrefix, String pool, CacheConfig cache) {
        return new RouteConfig(host, pathPrefix, pool, null, null, null, null, Objects.requireNonNull(cache, "cache"));
    }

    /** This route with {@code cache} in front of its pool. */
    public RouteConfig withCache(CacheConfig c) {
        return new RouteConfig(host, pathPrefix, pool, maxRequestBody, rateLimit, redirect, staticFiles, c, compress);
    }

    /** This route compressing its pool's responses with {@code c}. */
    public RouteConfig withCompress(CompressConfig c) {
        return new RouteConfig(host, pathPrefix, pool, maxRequestBody, rateLimit, redirect, staticFiles, cache, c);
    }

    /** The route as metrics, logs and caches name it: its host ({@code *} for any) and path prefix. */
    public String label() {
        return (host == null ? "*" : host) + pathPrefix;
    }

    /**
     * The largest request body on this route, in bytes; 0 for no limit.
     *
     * @param global the node's {@code limits.max_request_body}
     */
    public long maxRequestBody(long global) {
        return maxRequestBody == null ? global : maxRequestBody;
    }
}
