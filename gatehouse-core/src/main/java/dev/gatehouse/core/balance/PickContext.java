package dev.gatehouse.core.balance;

/**
 * What a balancer may know about the request it places. Implemented by the data plane without
 * copying; strategies that hash on a key (client address, header, cookie, path) read it here.
 */
public interface PickContext {

    /** The client's IP address as text, e.g. {@code 203.0.113.9}. */
    String clientAddress();

    /** The request method, e.g. {@code GET}. */
    String method();

    /** The request path without the query. */
    String path();

    /** The first value of a request header, or {@code null}. */
    String header(String name);

    /** The value of a request cookie, or {@code null}; see {@link Cookies#find}. */
    default String cookie(String name) {
        return Cookies.find(header("cookie"), name);
    }

    /**
     * Whether the request must not go to this member: a retry excludes the backends it tried.
     * Admission control skips excluded members before the balancer sees the candidates. Must stay
     * unchanged while the request is queued.
     */
    default boolean excludes(Member member) {
        return false;
    }
}
