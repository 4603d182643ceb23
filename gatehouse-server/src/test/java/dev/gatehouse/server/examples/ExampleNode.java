package dev.gatehouse.server.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.server.GatehouseServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A node started from an example's own {@code gatehouse.yaml}, with its {@code ${...}} variables
 * taken from a map (free ports, temporary directories, the Redis or PostgreSQL of the test)
 * instead of the environment. Deploys go through the admin API, as {@code gatehouse deploy} sends
 * them. Close it to stop the node (and the app instances it supervises).
 */
final class ExampleNode implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatehouseServer server;
    private final HttpClient admin = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ExampleNode(GatehouseServer server) {
        this.server = server;
    }

    /** Loads {@code dir/gatehouse.yaml} with {@code env} for its variables, and starts a node from it. */
    static ExampleNode start(Path dir, Map<String, String> env) throws Exception {
        GatehouseConfig config = ConfigLoader.parse(Files.readString(dir.resolve("gatehouse.yaml")), env::get);
        return new ExampleNode(GatehouseServer.start(config, StateStore.NONE));
    }

    int port() {
        return server.port();
    }

    GatehouseServer server() {
        return server;
    }

    /** GET on the admin API; the answer's JSON. Fails unless the status is 200. */
    JsonNode adminGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = admin.send(HttpRequest.newBuilder(adminUri(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /**
     * Starts a deploy of {@code version} to pool {@code web} (supervised: the node starts its
     * instances) through {@code POST /api/v1/pools/web/deploy}, as {@code gatehouse deploy} does.
     */
    void startDeploy(String version, String mode) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("version", version, "mode", mode));
        HttpResponse<String> r = admin.send(HttpRequest.newBuilder(adminUri("/api/v1/pools/web/deploy"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST deploy %s: %s", body, r.body()).isEqualTo(202);
    }

    /** Waits for the pool's deploy to end and returns its last state ({@code phase}, {@code reason}...). */
    JsonNode awaitDeployEnd(Duration limit) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(limit).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = adminGet("/api/v1/pools/web/deploy");
            return last[0].get("ended_at") != null && !last[0].get("ended_at").isNull();
        });
        return last[0];
    }

    /** Deploys {@code version} and waits for it: fails unless it ends {@code done}. */
    void deploy(String version, String mode, Duration limit) throws IOException, InterruptedException {
        startDeploy(version, mode);
        JsonNode end = awaitDeployEnd(limit);
        assertThat(end.get("phase").asText()).as("deploy of %s: %s", version, end).isEqualTo("done");
    }

    private URI adminUri(String path) {
        return URI.create("http://127.0.0.1:" + server.adminPort() + path);
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }
}
