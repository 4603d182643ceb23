package dev.gatehouse.bench.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Gatehouse switch: {@code POST /api/v1/pools/POOL/deploy} with
 * {@code {"version": "v2", "backends": [...], "mode": "fast"|"strict"}}, then
 * {@code GET /api/v1/pools/POOL/deploy} every few milliseconds until its {@code phase} is
 * {@code done} or {@code aborted}, recording every change of phase, epoch or {@code switched}
 * (the DeployView: {@code pool, from, to, mode, phase, detail, epoch, started_at, ended_at,
 * reason, switched}).
 *
 * <p>{@link #probe} tells beforehand whether the node has the endpoint at all: a {@code POST}
 * with an empty object must be refused as invalid (400), not as an unknown path (404), and
 * changes nothing.
 */
final class ApiDeploySwitch extends VersionSwitch {

    /** The phase changes recorded while polling. */
    static final String PHASE = "phase";
    /** The answer to the POST. */
    static final String POSTED = "post-answered";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final String version;
    private final List<String> backends;
    private final String mode;
    private final long timeoutSeconds;

    /**
     * @param adminPort      the node's admin listener on 127.0.0.1
     * @param pool           the pool to deploy to
     * @param version        the version to make live
     * @param backends       its backends, {@code host:port}
     * @param mode           {@code fast} or {@code strict}
     * @param timeoutSeconds how long to poll for the end of the deploy
     */
    ApiDeploySwitch(int adminPort, String pool, String version, List<String> backends, String mode, long timeoutSeconds) {
        this.uri = deployUri(adminPort, pool);
        this.version = version;
        this.backends = List.copyOf(backends);
        this.mode = mode;
        this.timeoutSeconds = timeoutSeconds;
    }

    private static URI deployUri(int adminPort, String pool) {
        return URI.create("http://127.0.0.1:" + adminPort + "/api/v1/pools/" + pool + "/deploy");
    }

    /**
     * Whether the node at {@code adminPort} has the deploy endpoint: null when it does, else why not.
     * A {@code POST} of {@code {}} is invalid (no version), so a node with the endpoint refuses it
     * with 400 and changes nothing.
     */
    static String probe(int adminPort, String pool) throws InterruptedException {
        URI uri = deployUri(adminPort, pool);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404 || r.statusCode() == 405) {
                return "POST " + uri + " answered " + r.statusCode() + " " + oneLine(r.body())
                        + " (expected: 400 for an empty request: this build has no deploy API)";
            }
            return null;
        } catch (IOException e) {
            return "POST " + uri + " failed: " + e;
        }
    }

    @Override
    void run() throws InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("version", version);
        ArrayNode list = body.putArray("backends");
        backends.forEach(list::add);
        body.put("mode", mode);
        // The answer may come at once (202, the deploy running) or at its end: wait as long as for the end.
        HttpRequest post = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        record(COMMAND_START, "POST " + uri + " " + body);
        HttpResponse<String> r;
        try {
            r = http.send(post, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            record(COMMAND_END, "failed: POST: " + e);
            return;
        }
        JsonNode view = parse(r.body());
        record(POSTED, "HTTP " + r.statusCode() + " " + oneLine(r.body()));
        if (r.statusCode() / 100 != 2) {
            record(COMMAND_END, "failed: POST answered " + r.statusCode() + " " + oneLine(r.body()));
            return;
        }
        String last = null;
        HttpRequest get = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        while (true) {
            if (view != null) {
                String state = state(view);
                if (!state.equals(last)) {
                    last = state;
                    record(PHASE, state);
                }
                String phase = view.path("phase").asText("");
                if (phase.equals("done") || phase.equals("aborted")) {
                    record(COMMAND_END, phase + ": " + view.path("detail").asText("")
                            + (view.path("reason").isTextual() ? "; reason: " + view.path("reason").asText() : ""));
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                record(COMMAND_END, "failed: no end of the deploy within " + timeoutSeconds + " s; last: " + last);
                return;
            }
            long next = System.nanoTime() + POLL_NANOS;
            try {
                HttpResponse<String> g = http.send(get, HttpResponse.BodyHandlers.ofString());
                view = g.statusCode() == 200 ? parse(g.body()) : null;
                if (view == null) {
                    record("poll", "HTTP " + g.statusCode() + " " + oneLine(g.body()));
                }
            } catch (IOException e) {
                view = null;
                record("poll", "failed: " + e);
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    /** {@code phase=holding epoch=3 switched=false detail=...}: what is recorded when it changes. */
    private static String state(JsonNode v) {
        return "phase=" + v.path("phase").asText("?") + " epoch=" + v.path("epoch").asText("?")
                + " switched=" + v.path("switched").asText("?") + " detail=" + v.path("detail").asText("");
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n != null && n.isObject() && n.has("phase") ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
