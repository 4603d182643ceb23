package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.testing.StubBackend;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1/databases...} on a real node, with a {@link DatabasesAdmin} of the test's own in
 * place of the PostgreSQL front door: the routes, the JSON, the errors as statuses, and 404 while
 * no front door is registered. (The front door itself is tested end to end in gatehouse-cli's
 * DbCommandsIT.)
 */
final class DatabasesApiIT {

    /** Answers as a front door with one server, "main", running. */
    static final class FakeDatabases implements DatabasesAdmin {
        final List<String> calls = new CopyOnWriteArrayList<>();

        private CompletableFuture<?> server(String op, String name) {
            calls.add(op + " " + name);
            if (!name.equals("main")) {
                return CompletableFuture.failedFuture(new NoSuchElementException("no server " + name + " in databases.servers"));
            }
            if (op.equals("repoint")) {
                return CompletableFuture.failedFuture(new IllegalStateException("repoint of server at db:5432 while running"
                        + " (expected: paused first, so that only one primary is in use at a time)"));
            }
            return CompletableFuture.completedFuture(Map.of("name", name, "hold", op.equals("pause") ? "paused" : "running"));
        }

        @Override
        public CompletableFuture<?> status() {
            return CompletableFuture.completedFuture(Map.of("servers", List.of(Map.of("name", "main"))));
        }

        @Override
        public CompletableFuture<?> pause(String s) {
            return server("pause", s);
        }

        @Override
        public CompletableFuture<?> resume(String s) {
            return server("resume", s);
        }

        @Override
        public CompletableFuture<?> repoint(String s, HostPort address) {
            calls.add("to " + address);
            return server("repoint", s);
        }

        @Override
        public CompletableFuture<?> reconnect(String s) {
            return server("reconnect", s);
        }

        @Override
        public CompletableFuture<?> killPool(String database) {
            calls.add("kill pool " + database);
            return CompletableFuture.completedFuture(Map.of("killed", 2));
        }

        @Override
        public CompletableFuture<?> killServer(String s) {
            return server("kill", s);
        }
    }

    @Test
    void databasesPaths_areServedByTheRegisteredFrontDoor_withItsErrorsAsStatuses() throws Exception {
        try (StubBackend app = StubBackend.start("app");
             TestNode node = TestNode.builder().backend(app.address())
                     .admin(new AdminConfig(new HostPort("127.0.0.1", 0), null, null, null)).start()) {
            AdminClient admin = new AdminClient(node.adminPort(), null);
            AdminClient.Response none = admin.get("/api/v1/databases");
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.body()).contains("no PostgreSQL front door");

            Logger audit = (Logger) LoggerFactory.getLogger("gatehouse.audit");
            ListAppender<ILoggingEvent> lines = new ListAppender<>();
            lines.start();
            audit.setLevel(Level.INFO);
            audit.addAppender(lines);
            FakeDatabases fake = new FakeDatabases();
            node.server().databasesAdmin(fake);
            assertThat(admin.get("/api/v1/databases").body().replace(" ", "")).contains("\"name\":\"main\"");
            AdminClient.Response paused = admin.post("/api/v1/databases/servers/main/pause", "");
            assertThat(paused.status()).isEqualTo(200);
            assertThat(paused.body().replace(" ", "")).contains("\"hold\":\"paused\"");
            assertThat(admin.post("/api/v1/databases/servers/nope/resume", "").status()).isEqualTo(404);

            AdminClient.Response running = admin.post("/api/v1/databases/servers/main/repoint", "{\"address\": \"db2:5432\"}");
            assertThat(running.status()).isEqualTo(409);
            assertThat(running.body()).contains("paused first");
            for (String bad : new String[] {"{\"address\": \"db2\"}", "{\"address\": \"db2:0\"}", "{}", "{\"address\": 5}",
                    "{\"address\": \"db2:1\", \"x\": 1}", "not json"}) {
                assertThat(admin.post("/api/v1/databases/servers/main/repoint", bad).status()).as(bad).isEqualTo(400);
            }
            assertThat(admin.post("/api/v1/databases/servers/main/pause", "{\"x\": 1}").status()).isEqualTo(400);
            assertThat(admin.post("/api/v1/databases/servers/bad%20name/pause", "").status()).isEqualTo(400);
            assertThat(admin.get("/api/v1/databases/servers/main/pause").status()).isEqualTo(405);

            AdminClient.Response killed = admin.post("/api/v1/databases/pools/appdb/kill", "");
            assertThat(killed.body().replace(" ", "")).contains("\"killed\":2");
            assertThat(fake.calls).containsExactly("pause main", "resume nope", "to db2:5432", "repoint main", "kill pool appdb");

            audit.detachAppender(lines);
            audit.setLevel(null);
            assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(l -> assertThat(l)
                    .contains("what=\"pause database server main\"").contains("result=\"done\""))
                    .anySatisfy(l -> assertThat(l).contains("what=\"repoint database server main to db2:5432\"")
                            .contains("409"))
                    .anySatisfy(l -> assertThat(l).contains("what=\"kill the connections of database pool appdb\""));
            node.server().databasesAdmin(null);
            assertThat(admin.get("/api/v1/databases").status()).isEqualTo(404);
        }
    }
}
