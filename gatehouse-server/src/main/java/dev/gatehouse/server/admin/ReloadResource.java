package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.api.ReloadResult;
import dev.gatehouse.core.config.GatehouseConfig;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /api/v1/reload}: reads the node's config again and applies it through the control
 * plane, both on the control thread (reading a file blocks). A config with errors changes nothing
 * and is answered with every error and its path. {@code POST /api/v1/tls/reload}: reads the TLS
 * listeners' certificate files again, with the config in force; a bad file changes nothing.
 */
final class ReloadResource {

    private final AdminContext context;

    ReloadResource(AdminContext context) {
        this.context = context;
    }

    CompletableFuture<AdminResponse> reload(AdminRequest request) {
        ApiJson.read(request.body(), NoBody.class);
        if (context.configSource() == null) {
            throw AdminProblem.conflict("this node was not started from a config file, so there is nothing to reload");
        }
        return context.executor().submit(() -> {
            GatehouseConfig config;
            try {
                config = context.configSource().load();
            } catch (IOException e) {
                throw AdminProblem.failed("the config could not be read, so nothing changed: " + e.getMessage());
            }
            request.reachedControl();
            List<String> notes;
            try {
                notes = context.control().reload(config, request.who());
            } catch (IOException e) {
                throw new StateNotSaved(e);
            }
            return AdminResponse.json(HttpResponseStatus.OK, new ReloadResult(true, notes));
        });
    }

    CompletableFuture<AdminResponse> reloadTls(AdminRequest request) {
        ApiJson.read(request.body(), NoBody.class);
        return context.executor().submit(() -> {
            request.reachedControl();
            List<String> served = context.tls().reloadCertificates(request.who());
            return AdminResponse.json(HttpResponseStatus.OK, new ReloadResult(true, served));
        });
    }
}
