package dev.gatehouse.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the admin API answers with an error status of its own choosing (404, 405, 409, 503):
 * {@code AdminResponses} turns it into the JSON error.
 */
final class AdminProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String field;
    private final String allow;

    private AdminProblem(HttpResponseStatus status, String message, String field, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.allow = allow;
    }

    /** 404: no such resource. */
    static AdminProblem notFound(String message, String field) {
        return new AdminProblem(HttpResponseStatus.NOT_FOUND, message, field, null);
    }

    /** 405, with the methods the path allows. */
    static AdminProblem methodNotAllowed(String method, String path, String allow) {
        return new AdminProblem(HttpResponseStatus.METHOD_NOT_ALLOWED,
                method + " " + path + " (expected: " + allow + ")", null, allow);
    }

    /** 409: the request cannot apply to this node as it is. */
    static AdminProblem conflict(String message) {
        return new AdminProblem(HttpResponseStatus.CONFLICT, message, null, null);
    }

    /** 503: the node cannot take this now (a bound is reached); a later try may succeed. */
    static AdminProblem unavailable(String message) {
        return new AdminProblem(HttpResponseStatus.SERVICE_UNAVAILABLE, message, null, null);
    }

    /** 500: something the node needed failed; nothing changed. */
    static AdminProblem failed(String message) {
        return new AdminProblem(HttpResponseStatus.INTERNAL_SERVER_ERROR, message, null, null);
    }

    HttpResponseStatus status() {
        return status;
    }

    String field() {
        return field;
    }

    /** The {@code Allow} header of a 405, else null. */
    String allow() {
        return allow;
    }
}
