package dev.gatehouse.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a node's admin API, on a loopback port: canned answers per method and raw path,
 * every request recorded. Answers queued for one path are given in turn, the last one repeatedly.
 * Anything not set up gets 404 with the API's error shape.
 */
final class FakeAdminApi implements AutoCloseable {

    /** One request as it arrived. */
    record Request(String method, String rawPath, Map<String, List<String>> headers, String body) {

        /** The first value of a header, or null. */
        String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    private record Reply(int status, String body) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Reply>> replies = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeAdminApi(HttpServer server) {
        this.server = server;
    }

    static FakeAdminApi start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeAdminApi api = new FakeAdminApi(server);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    /** Answers {@code method rawPath} with {@code status} and {@code body}, after the answers already queued. */
    FakeAdminApi on(String method, String rawPath, int status, String body) {
        replies.computeIfAbsent(method + " " + rawPath, k -> new ArrayDeque<>()).add(new Reply(status, body));
        return this;
    }

    /** {@code http://127.0.0.1:port}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request last() {
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getRawPath();
            requests.add(new Request(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body));
            Reply reply;
            Deque<Reply> queued = replies.get(exchange.getRequestMethod() + " " + path);
            synchronized (this) {
                reply = queued == null ? new Reply(404, "{\"error\": \"no route " + path + "\"}")
                        : queued.size() > 1 ? queued.poll() : queued.peek();
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
