package dev.gatehouse.core.route;

import dev.gatehouse.core.config.RouteConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Matches a request's host and path to a route: the most specific host first (exact, then the
 * longest wildcard, then routes for any host), then the longest path prefix among the routes of
 * that host. Immutable and safe to share between threads.
 */
public final class Router {

    private final List<Entry> entries;

    private Router(List<Entry> entries) {
        this.entries = entries;
    }

    /** Builds a router over the routes of one listener. */
    public static Router of(List<RouteConfig> routes) {
        List<Entry> entries = new ArrayList<>();
        for (RouteConfig route : routes) {
            entries.add(new Entry(route));
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
        for (Entry e : entries) {
            if (e.matchesHost(host) && path.startsWith(e.route.pathPrefix())) {
                return e.route;
            }
        }
        return null;
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
        final String exact;   // non-null for an exact host
        final String suffix;  // non-null for a wildcard: ".example.com"

        Entry(RouteConfig route) {
            this.route = route;
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
