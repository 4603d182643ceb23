package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiInputException;
import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.server.admin.AdminRouter.Route;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/databases}: the PostgreSQL front door's status and its operations (pause,
 * resume, repoint, reconnect, kill), handed to the {@link DatabasesAdmin} the front door
 * registered. Nothing here blocks: each call answers when the front door's future does (a pause
 * once the server is paused). Every operation gets an audit line on {@code gatehouse.audit}.
 */
final class DatabasesResource {

    private static final Logger AUDIT = LoggerFactory.getLogger("gatehouse.audit");

    private final AtomicReference<DatabasesAdmin> admin;

    DatabasesResource(AtomicReference<DatabasesAdmin> admin) {
        this.admin = admin;
    }

    /** The body of {@code POST .../repoint}. */
    record RepointRequest(String address) {
    }

    CompletableFuture<AdminResponse> status() {
        return answer(admin().status());
    }

    /** {@code POST /api/v1/databases/servers/{server}/{operation}} and {@code /pools/{database}/kill}. */
    CompletableFuture<AdminResponse> operate(Route route, AdminRequest request) {
        DatabasesAdmin a = admin();
        String name = route.pool();
        String what;
        Supplier<CompletableFuture<?>> call;
        switch (route.endpoint()) {
            case DB_PAUSE -> {
                ApiJson.read(request.body(), NoBody.class);
                what = "pause database server " + name;
                call = () -> a.pause(name);
            }
            case DB_RESUME -> {
                ApiJson.read(request.body(), NoBody.class);
                what = "resume database server " + name;
                call = () -> a.resume(name);
            }
            case DB_RECONNECT -> {
                ApiJson.read(request.body(), NoBody.class);
                what = "reconnect database server " + name;
                call = () -> a.reconnect(name);
            }
            case DB_REPOINT -> {
                HostPort address = repointAddress(request.body());
                what = "repoint database server " + name + " to " + address;
                call = () -> a.repoint(name, address);
            }
            case DB_KILL_SERVER -> {
                ApiJson.read(request.body(), NoBody.class);
                what = "kill the connections of database server " + name;
                call = () -> a.killServer(name);
            }
            case DB_KILL_POOL -> {
                ApiJson.read(request.body(), NoBody.class);
                what = "kill the connections of database pool " + name;
                call = () -> a.killPool(name);
            }
            default -> throw new IllegalStateException("not a databases operation: " + route.endpoint());
        }
        request.reachedControl();
        CompletableFuture<AdminResponse> out = answer(call.get());
        return out.whenComplete((r, e) -> AUDIT.info("who=\"{}\" what=\"{}\" result=\"{}\"", AdminAudit.clean(request.who()),
                AdminAudit.clean(what), AdminAudit.clean(r != null && r.error() == null ? "done"
                        : r != null ? r.status().code() + " " + r.error() : String.valueOf(e))));
    }

    /**
     * The address of a repoint's body, {@code {"address": "host:port"}}.
     *
     * @throws ApiInputException when it is missing, malformed or has port 0
     */
    static HostPort repointAddress(byte[] body) {
        RepointRequest request = ApiJson.read(body, RepointRequest.class);
        if (request.address() == null) {
            throw new ApiInputException("address", "missing (expected: {\"address\": \"host:port\"})");
        }
        HostPort address;
        try {
            address = HostPort.parse(request.address());
        } catch (IllegalArgumentException e) {
            throw new ApiInputException("address", e.getMessage());
        }
        if (address.port() == 0) {
            throw new ApiInputException("address", address + " (expected: a port of 1-65535)");
        }
        return address;
    }

    private DatabasesAdmin admin() {
        DatabasesAdmin a = admin.get();
        if (a == null) {
            throw AdminProblem.notFound("this node has no PostgreSQL front door (expected: a databases section in its config)", null);
        }
        return a;
    }

    /** The front door's answer as JSON; its exceptions as 404, 409 or 400. */
    private static CompletableFuture<AdminResponse> answer(CompletableFuture<?> result) {
        return result.handle((value, failure) -> {
            if (failure == null) {
                return AdminResponse.json(HttpResponseStatus.OK, value);
            }
            Throwable cause = failure;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return switch (cause) {
                case NoSuchElementException e -> AdminResponses.error(HttpResponseStatus.NOT_FOUND, e.getMessage(), null);
                case IllegalStateException e -> AdminResponses.error(HttpResponseStatus.CONFLICT, e.getMessage(), null);
                case IllegalArgumentException e -> AdminResponses.error(HttpResponseStatus.BAD_REQUEST, e.getMessage(), null);
                default -> AdminResponses.failure(cause, null);
            };
        });
    }
}
