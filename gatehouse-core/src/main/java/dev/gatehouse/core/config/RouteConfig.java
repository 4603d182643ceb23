package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * Sends requests whose host and path match to a pool, or answers them with a redirect: exactly one
 * of {@code pool} and {@code redirect} is set.
 *
 * @param host           an exact host ({@code api.example.com}), a wildcard ({@code *.example.com}:
 *                       any subdomain, at any depth), or {@code null} for any host; lower case, no port
 * @param pathPrefix     the path must start with it; starts with {@code /}
 * @param pool           the name of the pool that serves the matched requests; {@code null} for a redirect
 * @param maxRequestBody the largest request body in bytes on this route (0: no limit), in place of
 *                       {@link LimitsConfig#maxRequestBody()}; {@code null} to keep that one
 * @param rateLimit      the route's request rate limit, or {@code null} for none
 * @param redirect       the redirect that answers the matched requests, or {@code null} when a pool serves them
 */
public record RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit,
                          RedirectConfig redirect) {

    /** Validates the parts. */
    public RouteConfig {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        if ((pool == null) == (redirect == null)) {
            throw new IllegalArgumentException(pool == null
                    ? "pool: missing (expected: the name of a pool, or a redirect)"
                    : "redirect: set together with pool " + pool + " (expected: one of them)");
        }
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("path_prefix: \"" + pathPrefix + "\" (expected: starts with /)");
        }
        if (maxRequestBody != null && maxRequestBody < 0) {
            throw new IllegalArgumentException("max_request_body: " + maxRequestBody + " (expected: >= 0)");
        }
    }

    /** A route to a pool. */
    public RouteConfig(String host, String pathPrefix, String pool, Long maxRequestBody, RateLimitConfig rateLimit) {
        this(host, pathPrefix, pool, maxRequestBody, rateLimit, null);
    }

    /** A route to a pool without limits of its own. */
    public RouteConfig(String host, String pathPrefix, String pool) {
        this(host, pathPrefix, pool, null, null);
    }

    /** A route that answers with {@code redirect}, without limits of its own. */
    public static RouteConfig redirecting(String host, String pathPrefix, RedirectConfig redirect) {
        return new RouteConfig(host, pathPrefix, null, null, null, Objects.requireNonNull(redirect, "redirect"));
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
