package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * Sends requests whose host and path match to a pool.
 *
 * @param host           an exact host ({@code api.example.com}), a wildcard ({@code *.example.com}:
 *                       any subdomain, at any depth), or {@code null} for any host; lower case, no port
 * @param pathPrefix     the path must start with it; starts with {@code /}
 * @param pool           the name of the pool that serves the matched requests
 * @param maxRequestBody the largest request body in bytes on this route (0: no limit), in place of
 *                       {@link LimitsConfig#maxRequestBody()}; {@code null} to keep that one
 * @param rateLimit      the route's request rate limit, or {@code null} for none
 */
public record RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit) {

    /** Validates the parts. */
    public RouteConfig {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        Objects.requireNonNull(pool, "pool");
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("path_prefix: \"" + pathPrefix + "\" (expected: starts with /)");
        }
        if (maxRequestBody != null && maxRequestBody < 0) {
            throw new IllegalArgumentException("max_request_body: " + maxRequestBody + " (expected: >= 0)");
        }
    }

    /** A route without limits of its own. */
    public RouteConfig(String host, String pathPrefix, String pool) {
        this(host, pathPrefix, pool, null, null);
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
