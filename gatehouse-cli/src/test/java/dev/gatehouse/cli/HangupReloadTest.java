package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.state.PoolStatus;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a SIGHUP does: reads the file again and applies it, or changes nothing when it is wrong. */
final class HangupReloadTest {

    @TempDir
    Path dir;

    @Test
    void reload_anEditedFile_appliesItsBackendsAndRoutes() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            Path file = Files.writeString(dir.resolve("g.yaml"), config(a.address()));
            try (GatehouseServer server = start(file);
                 HangupReload reload = new HangupReload(server.control(), server.configSource(), file.toString())) {
                Files.writeString(file, config(b.address()));
                assertThat(reload.reload()).isTrue();
                assertThat(addresses(server)).containsExactly(b.address());
                assertThat(RawHttpResponse.get(server.port(), "/").header(StubBackend.BACKEND_HEADER)).isEqualTo("b");
            }
        }
    }

    @Test
    void reload_aFileWithErrors_changesNothingAndTheNodeKeepsServing() throws Exception {
        try (StubBackend a = StubBackend.start("a")) {
            Path file = Files.writeString(dir.resolve("g.yaml"), config(a.address()));
            try (GatehouseServer server = start(file);
                 HangupReload reload = new HangupReload(server.control(), server.configSource(), file.toString())) {
                Files.writeString(file, config("localhost:99999"));
                assertThat(reload.reload()).isFalse();
                Files.delete(file);
                assertThat(reload.reload()).isFalse();
                assertThat(addresses(server)).containsExactly(a.address());
                assertThat(RawHttpResponse.get(server.port(), "/").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void request_reloadsOnTheReloadThread() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            Path file = Files.writeString(dir.resolve("g.yaml"), config(a.address()));
            try (GatehouseServer server = start(file);
                 HangupReload reload = new HangupReload(server.control(), server.configSource(), file.toString())) {
                Files.writeString(file, config(a.address(), b.address()));
                reload.request();
                reload.request();
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(addresses(server)).containsExactly(a.address(), b.address()));
            }
        }
    }

    private static GatehouseServer start(Path file) throws Exception {
        return GatehouseServer.start(ConfigLoader.load(file), StateStore.NONE, () -> ConfigLoader.load(file));
    }

    private static List<String> addresses(GatehouseServer server) {
        return server.status().get(0).backends().stream().map(PoolStatus.BackendStatus::address).toList();
    }

    private static String config(String... backends) {
        return """
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { path_prefix: /, pool: web } ]
                pools:
                  web:
                    backends: [ %s ]
                access_log: { enabled: false }
                """.formatted(String.join(", ", List.of(backends).stream().map(s -> '"' + s + '"').toList()));
    }
}
