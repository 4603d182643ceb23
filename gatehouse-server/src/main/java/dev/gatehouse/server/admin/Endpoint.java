package dev.gatehouse.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Arrays;
import java.util.List;

/**
 * Every path the admin listener serves, with its methods. The templates are the OpenAPI file's
 * paths; a test checks that each is documented there.
 */
enum Endpoint {
    NODE("/api/v1/node", HttpMethod.GET),
    HEALTH("/api/v1/health", HttpMethod.GET),
    DASHBOARD("/api/v1/dashboard", HttpMethod.GET),
    EVENTS("/api/v1/events", HttpMethod.GET),
    POOLS("/api/v1/pools", HttpMethod.GET),
    POOL("/api/v1/pools/{pool}", HttpMethod.GET),
    BACKENDS("/api/v1/pools/{pool}/backends", HttpMethod.POST),
    BACKEND("/api/v1/pools/{pool}/backends/{address}", HttpMethod.GET, HttpMethod.DELETE),
    WEIGHT("/api/v1/pools/{pool}/backends/{address}/weight", HttpMethod.PUT),
    DRAIN("/api/v1/pools/{pool}/backends/{address}/drain", HttpMethod.POST),
    MAINTENANCE("/api/v1/pools/{pool}/backends/{address}/maintenance", HttpMethod.POST),
    READY("/api/v1/pools/{pool}/backends/{address}/ready", HttpMethod.POST),
    DEPLOY("/api/v1/pools/{pool}/deploy", HttpMethod.GET, HttpMethod.POST),
    ROLLBACK("/api/v1/pools/{pool}/rollback", HttpMethod.POST),
    CANARY("/api/v1/pools/{pool}/canary", HttpMethod.POST),
    RELOAD("/api/v1/reload", HttpMethod.POST),
    TLS_RELOAD("/api/v1/tls/reload", HttpMethod.POST),
    RESTART("/api/v1/restart", HttpMethod.POST),
    CACHE("/api/v1/cache", HttpMethod.GET),
    CACHE_PURGE("/api/v1/cache/purge", HttpMethod.POST),
    DATABASES("/api/v1/databases", HttpMethod.GET),
    DB_PAUSE("/api/v1/databases/servers/{server}/pause", HttpMethod.POST),
    DB_RESUME("/api/v1/databases/servers/{server}/resume", HttpMethod.POST),
    DB_REPOINT("/api/v1/databases/servers/{server}/repoint", HttpMethod.POST),
    DB_RECONNECT("/api/v1/databases/servers/{server}/reconnect", HttpMethod.POST),
    DB_KILL_SERVER("/api/v1/databases/servers/{server}/kill", HttpMethod.POST),
    DB_KILL_POOL("/api/v1/databases/pools/{database}/kill", HttpMethod.POST),
    METRICS("/metrics", HttpMethod.GET);

    private final String template;
    private final List<String> segments;
    private final List<HttpMethod> methods;

    Endpoint(String template, HttpMethod... methods) {
        this.template = template;
        this.segments = List.of(template.substring(1).split("/"));
        this.methods = List.of(methods);
    }

    /**
     * The path with {@code {pool}}, {@code {address}}, {@code {server}} and {@code {database}}
     * placeholders, as in the OpenAPI file.
     */
    String template() {
        return template;
    }

    /** The template's segments, without the leading slash. */
    List<String> segments() {
        return segments;
    }

    /** The methods it serves. */
    List<HttpMethod> methods() {
        return methods;
    }

    /** The methods as an {@code Allow} header value. */
    String allow() {
        return String.join(", ", methods.stream().map(HttpMethod::name).toList());
    }

    /** Whether a request with this method changes something (and is audited). */
    static boolean changes(HttpMethod method) {
        return method.equals(HttpMethod.POST) || method.equals(HttpMethod.PUT) || method.equals(HttpMethod.DELETE)
                || method.equals(HttpMethod.PATCH);
    }

    /** Every template, for documentation checks. */
    static List<String> templates() {
        return Arrays.stream(values()).map(Endpoint::template).toList();
    }
}
