package dev.gatehouse.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * The admin API from the command line's side, with the JDK's HTTP client: one request at a time,
 * each answered with the response or a {@link CliFailure} whose exit code says what went wrong:
 * {@link Main#EXIT_UNREACHABLE} when no answer came, {@link Main#EXIT_AUTH} for 401 and 403,
 * {@link Main#EXIT_REJECTED} for 400, 404 and 409 (with the API's message), and
 * {@link Main#EXIT_FAILURE} for anything else.
 */
final class AdminClient {

    /** Paths of the API. */
    static final String API = "/api/v1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A reload or a change waits for the state file and every event loop: seconds, rarely more. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The clients made in this process, for {@link #closeAll}; kept only once {@link #closeAtExit}
     * said so (the command line's {@code main}), so that a long-lived process that makes many (the
     * tests) does not keep them and their threads alive.
     */
    private static final java.util.Set<HttpClient> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static volatile boolean keep;

    /** From now on, keep each client made, to be closed by {@link #closeAll} when the process exits. */
    static void closeAtExit() {
        keep = true;
    }

    private final AdminArgs.Endpoint endpoint;
    private final HttpClient http;

    AdminClient(AdminArgs.Endpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        // HTTP/1.1: the client would otherwise offer an h2c upgrade the admin listener has no use for.
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER);
        if ("http".equalsIgnoreCase(endpoint.base().getScheme())) {
            // Plain HTTP never uses TLS, but the client's default context would load the JDK's
            // trust store at build (a fifth of a CLI call's start): give it one that loads nothing.
            b.sslContext(unusedTls());
        }
        this.http = b.build();
        if (keep) {
            OPEN.add(http);
        }
    }

    /**
     * Stops every client this process made (their selector threads), for a command about to exit:
     * HotSpot's exit waits up to 300 ms for threads blocked in native code, and an idle client's
     * selector thread is one (measured: 300 of a status call's 550 ms).
     */
    static void closeAll() {
        for (HttpClient c : OPEN) {
            c.shutdownNow();
        }
        OPEN.clear();
    }

    /** A TLS context that trusts nothing and loads no trust store: for a client that speaks plain HTTP only. */
    private static javax.net.ssl.SSLContext unusedTls() {
        try {
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
            return tls;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    /** A 2xx answer: its status and body. */
    record Response(int status, String body) {

        /** The body as JSON; a missing node when it is empty or not JSON. */
        JsonNode json() {
            return parse(body);
        }
    }

    /** Where requests go. */
    URI base() {
        return endpoint.base();
    }

    Response get(String path) {
        return send("GET", path, null);
    }

    Response post(String path, Object body) {
        return send("POST", path, body);
    }

    Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    Response delete(String path) {
        return send("DELETE", path, null);
    }

    /**
     * Sends one request.
     *
     * @param path the path after the base URL, its variable parts encoded with {@link #segment}
     * @param body serialized as JSON; null for no body
     * @throws CliFailure for anything but a 2xx answer
     */
    Response send(String method, String path, Object body) {
        return send(method, path, body, REQUEST_TIMEOUT);
    }

    /**
     * Sends one request that may take longer than most (a strict rollback holds requests first).
     *
     * @param timeout how long to wait for the answer
     * @throws CliFailure for anything but a 2xx answer
     */
    Response send(String method, String path, Object body, Duration timeout) {
        URI uri = URI.create(endpoint.base() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", "gatehouse-cli");
        if (endpoint.token() != null) {
            request.header("Authorization", "Bearer " + endpoint.token());
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(write(body), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(Main.EXIT_UNREACHABLE, method + " " + uri + ": no answer within "
                    + timeout.toSeconds() + " s (the node may be overloaded or stuck; the change may or may not "
                    + "have been made: check with gatehouse status)");
        } catch (ConnectException e) {
            throw unreachable(unresolved(e) ? "cannot resolve " + uri.getHost()
                    : e.getMessage() == null || e.getMessage().isBlank() ? "connection refused" : e.getMessage());
        } catch (IOException e) {
            throw unreachable(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(Main.EXIT_FAILURE, "interrupted");
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return new Response(status, response.body());
        }
        String what = method + " " + path;
        String message = errorMessage(response.body());
        throw switch (status) {
            case 401, 403 -> new CliFailure(Main.EXIT_AUTH, "authentication failed (" + status + ") at " + endpoint.base()
                    + ": " + (endpoint.token() == null
                            ? "no token was sent; give one with --token-file, $GATEHOUSE_TOKEN_FILE, $GATEHOUSE_TOKEN or --config"
                            : "the node refused the token from " + endpoint.tokenSource()));
            case 400, 404, 409 -> new CliFailure(Main.EXIT_REJECTED, "rejected (" + status + "): "
                    + (message == null ? what + " (the node said no more)" : message));
            default -> new CliFailure(Main.EXIT_FAILURE, what + " failed (" + status + ")"
                    + (message == null ? "" : ": " + message));
        };
    }

    /** A duration in the config file's grammar, already checked ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}). */
    static Duration parseDuration(String text) {
        int unit = 0;
        while (unit < text.length() && Character.isDigit(text.charAt(unit))) {
            unit++;
        }
        long n = Long.parseLong(text.substring(0, unit));
        return switch (text.substring(unit)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static boolean unresolved(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private CliFailure unreachable(String why) {
        return new CliFailure(Main.EXIT_UNREACHABLE, "cannot reach the node's admin API at " + endpoint.base() + ": " + why
                + " (is the node running, with its admin listener there? --admin, $GATEHOUSE_ADMIN or --config say where)");
    }

    /** The API's {@code {"error": ..., "field": ...}}, as one line; null when the body has none. */
    static String errorMessage(String body) {
        JsonNode json = parse(body);
        String error = json.path("error").asText(null);
        if (error == null || error.isBlank()) {
            return null;
        }
        String field = json.path("field").asText(null);
        StringBuilder sb = new StringBuilder();
        if (field != null && !field.isBlank() && !error.startsWith(field)) {
            sb.append(field).append(": ");
        }
        sb.append(error);
        // A reload's config errors may come as a list, each with its path.
        for (JsonNode e : json.path("errors")) {
            String line = e.isTextual() ? e.asText()
                    : e.has("message") ? (e.path("path").asText("").isEmpty() ? "" : e.path("path").asText() + ": ")
                            + e.path("message").asText()
                    : e.toString();
            sb.append(System.lineSeparator()).append("  ").append(line);
        }
        return sb.toString();
    }

    /**
     * One path segment, percent-encoded: a pool name or a backend address ({@code host:port} stays
     * readable; the brackets of an IPv6 literal are encoded).
     */
    static String segment(String text) {
        StringBuilder sb = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == ':') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
