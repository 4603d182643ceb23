package dev.gatehouse.core.route;

import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.limit.RateLimiter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Matches a request's host and path to a route: the most specific host first (exact, then the
 * longest wildcard, then routes for any host), then the longest path prefix among the routes of
 * that host. Immutable and safe to share between threads; a route's rate limiter is shared state
 * that outlives the router when the route's limit is unchanged ({@link #of(List, Router)}).
 */
public final class Router {

    /**
     * A matched route and its rate limiter.
     *
     * @param config      the route as configured
     * @param rateLimiter its request rate limiter, or {@code null} when it has no {@code rate_limit}
     */
    public record Route(RouteConfig config, RateLimiter rateLimiter) {
    }

    private final List<Entry> entries;

    private Router(List<Entry> entries) {
        this.entries = entries;
    }

    /** Builds a router over the routes of one listener, every rate limiter new. */
    public static Router of(List<RouteConfig> routes) {
        return of(routes, null);
    }

    /**
     * Builds a router over the routes of one listener. A route of {@code previous} with the same host,
     * path prefix and rate limit hands its limiter over, so that a reload does not refill every bucket.
     *
     * @param previous the listener's router until now, or {@code null}
     */
    public static Router of(List<RouteConfig> routes, Router previous) {
        List<Entry> entries = new ArrayList<>();
        for (RouteConfig route : routes) {
            entries.add(new Entry(route, limiter(route, previous)));
        }
        // Host specificity first, then the longest prefix: a linear scan then finds the winner first.
        entries.sort(Comparator.comparingInt(Entry::hostRank).reversed()
                .thenComparing(Comparator.comparingInt((Entry e) -> e.route.pathPrefix().length()).reversed()));
        return new Router(List.copyOf(entries));
    }

    /**
     * Finds the route for a request.
     *
     * @param host a host as {@link #normalizeHost} returns it, or {@code null} when the request has none
     * @param path the request path without the query
     * @return the route, or {@code null} when none matches
     */
    public RouteConfig route(String host, String path) {
        Route r = match(host, path);
        return r == null ? null : r.config();
    }

    /**
     * Finds the route for a request, with its rate limiter.
     *
     * @param host a host as {@link #normalizeHost} returns it, or {@code null} when the request has none
     * @param path the request path without the query
     * @return the route, or {@code null} when none matches
     */
    public Route match(String host, String path) {
        for (Entry e : entries) {
            if (e.matchesHost(host) && path.startsWith(e.route.pathPrefix())) {
                return e.match;
            }
        }
        return null;
    }

    private static RateLimiter limiter(RouteConfig route, Router previous) {
        if (route.rateLimit() == null) {
            return null;
        }
        if (previous != null) {
            for (Entry e : previous.entries) {
                RouteConfig old = e.route;
                if (e.match.rateLimiter() != null && java.util.Objects.equals(old.host(), route.host())
                        && old.pathPrefix().equals(route.pathPrefix()) && old.rateLimit().equals(route.rateLimit())) {
                    return e.match.rateLimiter();
                }
            }
        }
        return new RateLimiter(route.rateLimit());
    }

    /**
     * Normalizes a {@code Host} header value for matching: lower case, without port or trailing dot,
     * IPv6 literals without brackets.
     *
     * @return the host, or {@code null} for a null or empty value
     */
    public static String normalizeHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return null;
        }
        String h = hostHeader;
        if (h.charAt(0) == '[') {
            int close = h.indexOf(']');
            h = close > 0 ? h.substring(1, close) : h;
        } else {
            int colon = h.indexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static final class Entry {
        final RouteConfig route;
        final Route match;
        final String exact;   // non-null for an exact host
        final String suffix;  // non-null for a wildcard: ".example.com"

        Entry(RouteConfig route, RateLimiter limiter) {
            this.route = route;
            this.match = new Route(route, limiter);
            String h = route.host();
            if (h == null) {
                exact = null;
                suffix = null;
            } else if (h.startsWith("*.")) {
                exact = null;
                suffix = h.substring(1).toLowerCase(Locale.ROOT);
            } else {
                exact = h.toLowerCase(Locale.ROOT);
                suffix = null;
            }
        }

        /** Exact hosts beat wildcards, longer wildcards beat shorter ones, both beat "any host". */
        int hostRank() {
            if (exact != null) {
                return Integer.MAX_VALUE;
            }
            return suffix != null ? suffix.length() : 0;
        }

        boolean matchesHost(String host) {
            if (exact != null) {
                return exact.equals(host);
            }
            if (suffix != null) {
                return host != null && host.length() > suffix.length() && host.endsWith(suffix);
            }
            return true;
        }
    }
}
