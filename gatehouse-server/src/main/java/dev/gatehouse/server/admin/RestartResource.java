package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.api.RestartResult;
import dev.gatehouse.server.restart.RestartOutcome;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/restart}: replaces the node's process by a new one of the same command line
 * without refusing a connection, like SIGUSR2. Answers once the new process serves (200), or the
 * restart was refused (409: a deploy runs, another restart, a node that cannot start a successor)
 * or failed (500, with the new process's reason; this process keeps serving).
 */
final class RestartResource {

    private final AdminContext context;

    RestartResource(AdminContext context) {
        this.context = context;
    }

    CompletableFuture<AdminResponse> restart(AdminRequest request) {
        ApiJson.read(request.body(), NoBody.class);
        return context.restarts().restart(request.who()).thenApply(RestartResource::answer);
    }

    private static AdminResponse answer(RestartOutcome o) {
        return switch (o.result()) {
            case RESTARTED -> AdminResponse.json(HttpResponseStatus.OK,
                    new RestartResult(true, o.pid(), ProcessHandle.current().pid(), o.detail()));
            case REFUSED -> throw AdminProblem.conflict(o.detail());
            case FAILED -> throw AdminProblem.failed(o.detail());
        };
    }
}
