package dev.gatehouse.server.admin;

import io.netty.handler.codec.http.HttpMethod;

/**
 * One admin API request, with its body copied out of Netty's buffers so that it can cross to the
 * control thread.
 */
final class AdminRequest {

    private final HttpMethod method;
    private final String path;
    private final byte[] body;
    private final String who;
    private volatile boolean reachedControl;

    /**
     * @param method the method
     * @param path   the path without the query, for audit lines
     * @param body   the body (empty when none)
     * @param who    who asks, for audit lines: {@code admin-api <remote ip>}
     */
    AdminRequest(HttpMethod method, String path, byte[] body, String who) {
        this.method = method;
        this.path = path;
        this.body = body;
        this.who = who;
    }

    HttpMethod method() {
        return method;
    }

    String path() {
        return path;
    }

    byte[] body() {
        return body;
    }

    String who() {
        return who;
    }

    /**
     * Notes that the request is now in the control plane's hands, which writes its audit line; one
     * refused before that gets its line from the handler, so every change request has exactly one.
     */
    void reachedControl() {
        reachedControl = true;
    }

    boolean hasReachedControl() {
        return reachedControl;
    }
}
