package dev.gatehouse.postgres.admin;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.postgres.frontdoor.DatabasesControl;
import dev.gatehouse.postgres.frontdoor.DatabasesStatus;
import dev.gatehouse.server.admin.DatabasesAdmin;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;

/**
 * The front door's operations for the admin API: each answers with the server's view after the
 * operation (a pause once the server is paused), or {@code {"killed": n}} for a kill. Nothing
 * blocks: {@link DatabasesControl} hops onto the front door's loop.
 */
public final class FrontDoorAdmin implements DatabasesAdmin {

    private final DatabasesControl control;

    public FrontDoorAdmin(DatabasesControl control) {
        this.control = control;
    }

    /** The answer to a kill. */
    public record Killed(int killed) {
    }

    @Override
    public CompletableFuture<DatabasesStatus> status() {
        return control.status();
    }

    @Override
    public CompletableFuture<DatabasesStatus.Server> pause(String server) {
        return control.pause(server).thenCompose(v -> view(server));
    }

    @Override
    public CompletableFuture<DatabasesStatus.Server> resume(String server) {
        return control.resume(server).thenCompose(v -> view(server));
    }

    @Override
    public CompletableFuture<DatabasesStatus.Server> repoint(String server, HostPort address) {
        return control.repoint(server, address).thenCompose(v -> view(server));
    }

    @Override
    public CompletableFuture<DatabasesStatus.Server> reconnect(String server) {
        return control.reconnect(server).thenCompose(v -> view(server));
    }

    @Override
    public CompletableFuture<Killed> killPool(String database) {
        return control.killPool(database).thenApply(Killed::new);
    }

    @Override
    public CompletableFuture<Killed> killServer(String server) {
        return control.killServer(server).thenApply(Killed::new);
    }

    private CompletableFuture<DatabasesStatus.Server> view(String server) {
        return control.status().thenApply(s -> s.servers().stream().filter(v -> v.name().equals(server)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no server " + server + " in databases.servers")));
    }
}
