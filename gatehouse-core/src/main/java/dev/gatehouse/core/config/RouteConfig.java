package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * Sends requests whose host and path match to a pool.
 *
 * @param host       an exact host ({@code api.example.com}), a wildcard ({@code *.example.com}: any
 *                   subdomain, at any depth), or {@code null} for any host; lower case, no port
 * @param pathPrefix the path must start with it; starts with {@code /}
 * @param pool       the name of the pool that serves the matched requests
 */
public record RouteConfig(String host, String pathPrefix, String pool) {

    /** Validates the parts. */
    public RouteConfig {
        Objects.requireNonNull(pathPrefix, "pathPrefix");
        Objects.requireNonNull(pool, "pool");
        if (!pathPrefix.startsWith("/")) {
            throw new IllegalArgumentException("path_prefix: \"" + pathPrefix + "\" (expected: starts with /)");
        }
    }
}
