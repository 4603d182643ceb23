package dev.gatehouse.bench.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The deploy switch against a stand-in admin API that speaks the DeployView contract. */
final class ApiDeploySwitchTest {

    private HttpServer server;
    private final List<String> posted = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String view(String phase, String detail, long epoch, boolean switched, String reason) {
        return "{\"pool\":\"web\",\"from\":\"v1\",\"to\":\"v2\",\"mode\":\"strict\",\"phase\":\"" + phase
                + "\",\"detail\":\"" + detail + "\",\"epoch\":" + epoch + ",\"started_at\":\"2026-11-22T10:00:00Z\""
                + ",\"ended_at\":null,\"reason\":" + (reason == null ? "null" : "\"" + reason + "\"")
                + ",\"switched\":" + switched + "}";
    }

    /** Serves the deploy endpoint: POST answers {@code postStatus} with the first view, GETs walk through the rest. */
    private int serve(int postStatus, List<String> views) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger gets = new AtomicInteger();
        server.createContext("/api/v1/pools/web/deploy", ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                posted.add(body);
                if (body.equals("{}")) {
                    answer(ex, 400, "{\"error\":\"version: missing\",\"field\":\"version\"}");
                } else {
                    answer(ex, postStatus, postStatus == 404 ? "{\"error\":\"no such path\"}" : views.getFirst());
                }
            } else {
                answer(ex, 200, views.get(Math.min(views.size() - 1, 1 + gets.getAndIncrement())));
            }
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @Test
    void run_strictDeploy_recordsEveryPhaseUntilDone() throws Exception {
        int port = serve(202, List.of(
                view("gating", "healthy 0 of 2", 0, false, null),
                view("gating", "healthy 2 of 2", 0, false, null),
                view("holding", "1 request of v1 in flight", 0, false, null),
                view("draining", "0 requests of v1 in flight", 1, true, null),
                view("done", "v2 live, v1 retired", 1, true, null)));
        ApiDeploySwitch s = new ApiDeploySwitch(port, "web", "v2", List.of("127.0.0.1:9001", "127.0.0.1:9002"), "strict", 10);

        s.run();

        assertThat(posted).containsExactly("{\"version\":\"v2\",\"backends\":[\"127.0.0.1:9001\",\"127.0.0.1:9002\"],\"mode\":\"strict\"}");
        List<String> kinds = new ArrayList<>();
        s.events().forEach(e -> kinds.add(e.event() + " " + e.detail().split(" detail=")[0]));
        assertThat(kinds).containsExactly(
                "command-start POST http://127.0.0.1:" + port + "/api/v1/pools/web/deploy " + posted.getFirst(),
                "post-answered HTTP 202 " + view("gating", "healthy 0 of 2", 0, false, null),
                "phase phase=gating epoch=0 switched=false",
                "phase phase=gating epoch=0 switched=false",
                "phase phase=holding epoch=0 switched=false",
                "phase phase=draining epoch=1 switched=true",
                "phase phase=done epoch=1 switched=true",
                "command-end done: v2 live, v1 retired");
        RoundMetrics m = RoundMetrics.compute(List.of(), null, null, s.events(), "v1", "v2");
        assertThat(m.commandEnd()).startsWith("done");
        assertThat(m.holdingSeenMs()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void run_aborted_endsWithTheReason() throws Exception {
        int port = serve(202, List.of(
                view("gating", "healthy 0 of 1", 0, false, null),
                view("aborted", "v1 still live, nothing changed for clients", 0, false, "readiness gate timed out")));
        ApiDeploySwitch s = new ApiDeploySwitch(port, "web", "v2", List.of("127.0.0.1:9001"), "fast", 10);

        s.run();

        assertThat(s.events().getLast().event()).isEqualTo(VersionSwitch.COMMAND_END);
        assertThat(s.events().getLast().detail())
                .isEqualTo("aborted: v1 still live, nothing changed for clients; reason: readiness gate timed out");
    }

    @Test
    void run_postRefused_endsFailed() throws Exception {
        int port = serve(409, List.of("{\"error\":\"a deploy is running\",\"field\":null}"));
        ApiDeploySwitch s = new ApiDeploySwitch(port, "web", "v2", List.of("127.0.0.1:9001"), "fast", 10);

        s.run();

        assertThat(s.events().getLast().detail()).startsWith("failed: POST answered 409");
    }

    @Test
    void probe_endpointPresent_null() throws Exception {
        int port = serve(202, List.of(view("gating", "", 0, false, null)));

        assertThat(ApiDeploySwitch.probe(port, "web")).isNull();
        assertThat(posted).containsExactly("{}");
    }

    @Test
    void probe_noSuchPath_saysSo() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> answer(ex, 404, "{\"error\":\"no admin API path\"}"));
        server.start();

        assertThat(ApiDeploySwitch.probe(server.getAddress().getPort(), "web"))
                .contains("answered 404").contains("this build has no deploy API");
    }
}
