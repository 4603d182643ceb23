package dev.gatehouse.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.BackendOverride;
import dev.gatehouse.core.state.PoolRuntime;
import dev.gatehouse.core.state.RuntimeState;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileStateStore}: a JSON file people can read, replaced whole or not at all. */
final class FileStateStoreTest {

    private static final HostPort A = HostPort.parse("10.0.0.1:8000");
    private static final HostPort B = HostPort.parse("10.0.0.2:8000");
    private static final HostPort C = HostPort.parse("10.0.0.3:8000");
    private static final HostPort V6 = HostPort.parse("[::1]:8001");

    @TempDir
    Path dir;

    @Test
    void save_thenLoad_givesTheSameState() throws IOException {
        FileStateStore store = new FileStateStore(dir.resolve("state.json"));
        RuntimeState state = sample();

        store.save(state);

        assertThat(store.load()).isEqualTo(state);
        assertThat(new FileStateStore(dir.resolve("state.json")).load()).isEqualTo(state);
    }

    @Test
    void save_writesJsonWithAddressesAndAdminStatesAsStrings() throws IOException {
        Path file = dir.resolve("state.json");

        new FileStateStore(file).save(sample());

        JsonNode json = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        assertThat(json.get("revision").asLong()).isEqualTo(7);
        JsonNode web = json.get("pools").get("web");
        assertThat(web.get("added").get(0).get("address").isTextual()).isTrue();
        assertThat(web.get("added").get(0).get("address").asText()).isEqualTo("10.0.0.3:8000");
        assertThat(web.get("added").get(0).get("weight").asInt()).isEqualTo(5);
        assertThat(web.get("added").get(0).get("version").asText()).isEqualTo("v2");
        assertThat(web.get("added").get(1).get("address").asText()).isEqualTo("[::1]:8001");
        assertThat(web.get("removed").get(0).asText()).isEqualTo("10.0.0.1:8000");
        JsonNode drain = web.get("overrides").get(0);
        assertThat(drain.get("address").asText()).isEqualTo("10.0.0.2:8000");
        assertThat(drain.get("admin").asText()).isEqualTo("drain");
        assertThat(drain.get("drainDeadlineMillis").asLong()).isEqualTo(1_800_000_000_000L);
        assertThat(json.get("pools").get("api").get("overrides").get(0).get("admin").asText()).isEqualTo("maint");
        // Indented, one field a line: an operator can read it and a diff shows what changed.
        assertThat(Files.readAllLines(file)).hasSizeGreaterThan(10);
    }

    @Test
    void load_missingFile_isEmpty() throws IOException {
        assertThat(new FileStateStore(dir.resolve("absent.json")).load()).isSameAs(RuntimeState.EMPTY);
    }

    @Test
    void load_handWrittenFile_isRead() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"revision": 3, "pools": {"web": {"overrides": [{"address": "10.0.0.2:8000", "admin": "maint"}]}}}
                """);

        RuntimeState state = new FileStateStore(file).load();

        assertThat(state.revision()).isEqualTo(3);
        assertThat(state.pool("web").overrides()).containsExactly(new BackendOverride(B, null, AdminState.MAINT, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "{not json",
            "[]",
            "null",
            "{\"revision\": 1, \"pools\": {}, \"extra\": true}",
            "{\"revision\": 1, \"pools\": {\"web\": {\"added\": [{\"address\": \"nope\", \"weight\": 1, \"version\": \"v1\"}]}}}",
            "{\"revision\": 1, \"pools\": {\"web\": {\"added\": [{\"address\": \"10.0.0.3:8000\", \"weight\": 0, \"version\": \"v1\"}]}}}",
            "{\"revision\": 1, \"pools\": {\"web\": {\"overrides\": [{\"address\": \"10.0.0.2:8000\", \"weight\": 5000}]}}}",
            "{\"revision\": 1, \"pools\": {\"web\": {\"overrides\": [{\"address\": \"10.0.0.2:8000\", \"admin\": \"drian\"}]}}}",
            "{\"revision\": 1, \"pools\": {\"web\": {\"removed\": [null]}}}",
    })
    void load_corruptFile_failsNamingThePath(String content) throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, content);

        assertThatThrownBy(() -> new FileStateStore(file).load()).isInstanceOf(IOException.class)
                .hasMessageStartingWith("state file " + file.toAbsolutePath() + " is not a valid Gatehouse state: ");
    }

    @Test
    void load_misspeltAdminState_failsRatherThanPuttingTheBackendBackInService() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, """
                {"revision": 1, "pools": {"web": {"overrides": [{"address": "10.0.0.2:8000", "admin": "drian"}]}}}
                """);

        assertThatThrownBy(() -> new FileStateStore(file).load()).isInstanceOf(IOException.class)
                .hasMessageContaining("\"drian\"").hasMessageContaining("expected: ready, drain or maint");
    }

    @Test
    void load_jsonNull_failsRatherThanLoadingNothing() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(file, "null");

        assertThatThrownBy(() -> new FileStateStore(file).load()).isInstanceOf(IOException.class)
                .hasMessage("state file " + file.toAbsolutePath()
                        + " is not a valid Gatehouse state: null (expected: an object with revision and pools)");
    }

    @Test
    void save_leavesNoTemporaryFileBehind() throws IOException {
        FileStateStore store = new FileStateStore(dir.resolve("state.json"));

        store.save(sample());
        store.save(RuntimeState.EMPTY.with("web", new PoolRuntime(null, List.of(A), null)));
        store.save(RuntimeState.EMPTY);

        assertThat(files()).containsExactly("state.json");
        assertThat(store.load()).isEqualTo(RuntimeState.EMPTY);
    }

    @Test
    void save_replacesTheWholeFile() throws IOException {
        Path file = dir.resolve("state.json");
        FileStateStore store = new FileStateStore(file);
        store.save(sample());

        RuntimeState smaller = RuntimeState.EMPTY.with("web", new PoolRuntime(null, List.of(A), null));
        store.save(smaller);

        assertThat(store.load()).isEqualTo(smaller);
        assertThat(Files.readString(file)).doesNotContain("10.0.0.3:8000");
    }

    @Test
    void save_failingMidWrite_leavesTheOldStateWholeAndNoTemporaryFile() throws IOException {
        // An interrupted thread's file channel fails its first write (and closes): a save that dies
        // after the temporary file exists and before the rename, reliably, even as root.
        FileStateStore store = new FileStateStore(dir.resolve("state.json"));
        RuntimeState old = sample();
        store.save(old);

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> store.save(RuntimeState.EMPTY.with("web", new PoolRuntime(null, List.of(A), null))))
                    .isInstanceOf(ClosedByInterruptException.class);
        } finally {
            Thread.interrupted();
        }

        assertThat(store.load()).isEqualTo(old);
        assertThat(files()).containsExactly("state.json");
    }

    @Test
    void load_ignoresATemporaryFileACrashLeftBehind() throws IOException {
        FileStateStore store = new FileStateStore(dir.resolve("state.json"));
        store.save(sample());
        Files.writeString(dir.resolve("state.json123456.tmp"), "{\"revision\": 99, \"po");

        assertThat(store.load()).isEqualTo(sample());
        store.save(RuntimeState.EMPTY);
        assertThat(store.load()).isEqualTo(RuntimeState.EMPTY);
    }

    @Test
    void describe_isTheAbsolutePath() {
        assertThat(new FileStateStore(dir.resolve("state.json")).describe()).isEqualTo(dir.resolve("state.json")
                .toAbsolutePath().toString());
    }

    /** Revision 7: web with two added backends (one IPv6), one removed and one drained; api in maintenance. */
    private static RuntimeState sample() {
        Map<String, PoolRuntime> pools = new LinkedHashMap<>();
        pools.put("web", new PoolRuntime(List.of(new BackendConfig(C, 5, "v2"), new BackendConfig(V6, 1, "v1")), List.of(A),
                List.of(new BackendOverride(B, 3, AdminState.DRAIN, 1_800_000_000_000L))));
        pools.put("api", new PoolRuntime(null, null, List.of(new BackendOverride(A, null, AdminState.MAINT, null))));
        return new RuntimeState(7, pools);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
