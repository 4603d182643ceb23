package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiError;
import dev.gatehouse.core.api.ApiInputException;
import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.StateConflict;
import dev.gatehouse.core.state.StateOutcomeUnknown;
import dev.gatehouse.server.deploy.Deploys;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the admin API's failures become statuses and JSON errors:
 *
 * <ul>
 *   <li>unreadable input (JSON, path segments) 400, with the field;
 *   <li>a change the control plane rejects 400 with its field, except an unknown pool, or an unknown
 *       backend of an operation on one, which is 404;
 *   <li>a config with errors on reload 400 with every error and its path;
 *   <li>409 when a deploy or a rollback runs in the pool already, or when another node of the
 *       fleet changed the shared state first (this node then has the state that won); 503 when the
 *       fleet's store did not confirm a change (it may still apply);
 *   <li>401 without the right token; 404, 405, 409 as {@link AdminProblem}s say; 413 for a body
 *       over the limit; 503 when too many changes wait; 500 when the state cannot be saved (nothing
 *       changed) or anything unexpected happens.
 * </ul>
 */
final class AdminResponses {

    private static final Logger LOG = LoggerFactory.getLogger(AdminResponses.class);

    private AdminResponses() {
    }

    /** The response to a failure of a request for {@code endpoint} (null when not routed yet). */
    static AdminResponse failure(Throwable t, Endpoint endpoint) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return switch (cause) {
            case ApiInputException e -> error(HttpResponseStatus.BAD_REQUEST, e.getMessage(), e.field());
            case ChangeRejected e -> error(notFound(e, endpoint) ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.BAD_REQUEST,
                    e.getMessage(), e.field());
            case AdminProblem e -> e.allow() == null ? error(e.status(), e.getMessage(), e.field())
                    : withHeader(error(e.status(), e.getMessage(), e.field()), HttpHeaderNames.ALLOW.toString(), e.allow());
            case Deploys.Busy e -> error(HttpResponseStatus.CONFLICT, e.getMessage(), null);
            case dev.gatehouse.server.restart.Restarting e -> error(HttpResponseStatus.CONFLICT, e.getMessage(), null);
            case ConfigException e -> configErrors(e);
            case StateNotSaved e when e.getCause() instanceof StateConflict c -> error(HttpResponseStatus.CONFLICT, c.getMessage(), null);
            case StateNotSaved e when e.getCause() instanceof StateOutcomeUnknown u ->
                    error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the fleet's store did not confirm the change: " + u.getMessage(), null);
            case StateNotSaved e -> error(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage(), null);
            case RejectedExecutionException e -> withHeader(error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "too many changes are waiting for the control plane, or the node is stopping (expected: retry shortly)",
                    null), HttpHeaderNames.RETRY_AFTER.toString(), "1");
            default -> {
                LOG.warn("admin API request failed: {}", cause.toString(), cause);
                yield error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + cause, null);
            }
        };
    }

    /**
     * An unknown pool is a missing resource; so is an unknown backend when the path names it. Adding
     * a backend that is already there is a bad request instead.
     */
    private static boolean notFound(ChangeRejected e, Endpoint endpoint) {
        return e.field().equals("pool") || e.field().equals("address") && endpoint != null && endpoint != Endpoint.BACKENDS;
    }

    /** 401: the token is missing or wrong; nothing was read or changed. */
    static AdminResponse unauthorized(AdminAuth.Verdict verdict) {
        String message = verdict == AdminAuth.Verdict.MISSING
                ? "this node's admin API needs a token (expected: Authorization: Bearer <token>)"
                : "wrong token (expected: Authorization: Bearer <the token the node was started with>)";
        String challenge = verdict == AdminAuth.Verdict.MISSING ? "Bearer realm=\"gatehouse\""
                : "Bearer realm=\"gatehouse\", error=\"invalid_token\"";
        return withHeader(error(HttpResponseStatus.UNAUTHORIZED, message, null),
                HttpHeaderNames.WWW_AUTHENTICATE.toString(), challenge);
    }

    /** A request the decoder could not read. */
    static AdminResponse undecodable(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long (expected: at most 4 KiB)", null);
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers too large (expected: at most 16 KiB)", null);
        }
        if (cause instanceof TooLongFrameException) {
            return error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, cause.getMessage(), null);
        }
        return error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + cause.getMessage(), null);
    }

    /** 413: the body is over the limit. */
    static AdminResponse tooLarge(int maxBody) {
        return error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "request body too large (expected: at most " + maxBody / 1024 + " KiB)", null);
    }

    private static AdminResponse configErrors(ConfigException e) {
        int n = e.errors().size();
        String message = "the config has " + n + (n == 1 ? " error" : " errors") + "; nothing changed: "
                + e.errors().get(0) + (n > 1 ? " (and " + (n - 1) + " more)" : "");
        return json(HttpResponseStatus.BAD_REQUEST, new ApiError(message, "config", e.errors()), message);
    }

    static AdminResponse error(HttpResponseStatus status, String message, String field) {
        return json(status, new ApiError(message, field, List.of()), message);
    }

    private static AdminResponse json(HttpResponseStatus status, ApiError body, String message) {
        return new AdminResponse(status, AdminResponse.JSON, ApiJson.write(body), Map.of(), message);
    }

    private static AdminResponse withHeader(AdminResponse r, String name, String value) {
        Map<String, String> headers = new HashMap<>(r.headers());
        headers.put(name, value);
        return new AdminResponse(r.status(), r.contentType(), r.body(), headers, r.error());
    }
}
