package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.core.api.AddBackendRequest;
import dev.gatehouse.core.api.ApiError;
import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.api.CanaryRequest;
import dev.gatehouse.core.api.DeployRequest;
import dev.gatehouse.core.api.DrainRequest;
import dev.gatehouse.core.api.RollbackRequest;
import dev.gatehouse.core.api.WeightRequest;
import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what the admin API reads from a request: the {@code Authorization} header, the path
 * ({@link AdminRouter}) and the JSON body, read as each resource reads it ({@link ApiJson} into the
 * request record, then its checks), then applied to a fixed state with the control plane's own
 * rules ({@link RuntimeChanges}) and built into a snapshot, as a change is.
 *
 * <p>Input: {@code METHOD target} on the first line, then {@code Authorization} values one a line
 * up to a blank line, then the body.
 *
 * <p>Invariants: the token check allows exactly one {@code Bearer} header with the token and
 * nothing else; every failure is answered ({@link AdminResponses#failure}) with a 4xx and a JSON
 * error whose message is non-blank, never a 500; a request that passes is a valid command (a pool
 * name, an address with a port, a weight, durations and versions in their ranges) whose change
 * builds a snapshot; nothing throws anything else.
 */
final class AdminInputFuzzTest {

    private static final String TOKEN = "s3cret-admin-token-0123456789";
    private static final AdminAuth AUTH = AdminAuth.token(TOKEN);
    private static final GatehouseConfig CONFIG = config();
    private static final Snapshot BASE = Snapshot.of(1, CONFIG, () -> 0L, () -> 1_800_000_000L, new Random(1));
    private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS);

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    @DictionaryEntries({"/api/v1/pools/web/backends/10.0.0.1:8001", "/api/v1/pools/", "/backends", "/weight", "/drain",
        "/maintenance", "/ready", "/deploy", "/rollback", "/canary", "/api/v1/reload", "%5B", "%3A", "Bearer ",
        "\"address\"", "\"weight\"", "\"version\"", "\"deadline\"", "\"percent\"", "\"backends\"", "\"mode\"",
        "\"quorum\"", "\"gate_timeout\"", "\"hold_timeout\"", "\"drain_timeout\"", "\"warmup\"", "\"strict\"", "\"30s\""})
    void anyRequest_isACommandOrA4xxWithAMessage(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        int nl = text.indexOf('\n');
        String requestLine = nl < 0 ? text : text.substring(0, nl);
        String rest = nl < 0 ? "" : text.substring(nl + 1);
        int blank = rest.indexOf("\n\n");
        String authBlock = blank < 0 ? "" : rest.substring(0, blank);
        List<String> authorization = authBlock.isEmpty() ? List.of() : List.of(authBlock.split("\n", -1));
        byte[] body = (blank < 0 ? rest : rest.substring(blank + 2)).getBytes(StandardCharsets.ISO_8859_1);

        checkAuth(authorization);

        int sp = requestLine.indexOf(' ');
        if (sp < 0) {
            return;
        }
        HttpMethod method = METHODS.stream().filter(m -> m.name().equals(requestLine.substring(0, sp))).findFirst()
                .orElse(HttpMethod.GET);
        String uri = requestLine.substring(sp + 1);
        AdminRouter.Route route;
        try {
            route = AdminRouter.route(method, uri);
        } catch (RuntimeException e) {
            assertAnswered(e, null);
            return;
        }
        assertThat(route.endpoint().methods()).contains(method);
        if (route.pool() != null) {
            assertThat(route.pool()).matches("[a-z0-9][a-z0-9_-]{0,62}");
        }
        if (route.address() != null) {
            assertThat(route.address().port()).isBetween(1, 65535);
        }
        try {
            RuntimeState after = command(route, method, body);
            if (after != null) {
                // As the control plane publishes a change: the new state must build.
                Snapshot.next(BASE, 2, CONFIG, after, () -> 0L, () -> 1_800_000_000L, new Random(1));
            }
        } catch (RuntimeException e) {
            assertAnswered(e, route.endpoint());
        }
    }

    /** Exactly one {@code Bearer} header holding the token is allowed; no header is missing; anything else wrong. */
    private static void checkAuth(List<String> authorization) {
        AdminAuth.Verdict verdict = AUTH.check(authorization);
        boolean right = authorization.size() == 1 && authorization.get(0).trim().toLowerCase(Locale.ROOT).startsWith("bearer ")
                && authorization.get(0).trim().substring(7).trim().equals(TOKEN);
        assertThat(verdict).isEqualTo(right ? AdminAuth.Verdict.ALLOWED
                : authorization.isEmpty() ? AdminAuth.Verdict.MISSING : AdminAuth.Verdict.WRONG);
        assertThat(AdminAuth.none().check(authorization)).isEqualTo(AdminAuth.Verdict.ALLOWED);
    }

    /**
     * Reads the body as the endpoint's resource does ({@code BackendsResource}, {@code DeployResource},
     * {@code ReloadResource}) and applies the change to the fixed state; keep in step with them.
     *
     * @return the state after the change, or null for a request that changes nothing here
     */
    private static RuntimeState command(AdminRouter.Route route, HttpMethod method, byte[] body) {
        RuntimeState s = RuntimeState.EMPTY;
        String pool = route.pool();
        HostPort address = route.address();
        return switch (route.endpoint()) {
            case BACKENDS -> {
                AddBackendRequest add = ApiJson.read(body, AddBackendRequest.class);
                HostPort a = add.hostPort();
                assertThat(a.port()).isBetween(1, 65535);
                yield RuntimeChanges.add(s, CONFIG, pool, a, add.weightOrDefault(), add.versionOrDefault());
            }
            case BACKEND -> {
                if (!method.equals(HttpMethod.DELETE)) {
                    yield null;
                }
                ApiJson.read(body, NoBody.class);
                yield RuntimeChanges.remove(s, CONFIG, pool, address);
            }
            case WEIGHT -> RuntimeChanges.weight(s, CONFIG, pool, address, ApiJson.read(body, WeightRequest.class).required());
            case DRAIN -> {
                Duration deadline = ApiJson.read(body, DrainRequest.class).duration();
                assertThat(deadline == null || !deadline.isNegative() && !deadline.isZero()).isTrue();
                yield RuntimeChanges.admin(s, CONFIG, pool, address, AdminState.DRAIN,
                        deadline == null ? null : 1_800_000_000_000L + deadline.toMillis());
            }
            case MAINTENANCE, READY -> {
                ApiJson.read(body, NoBody.class);
                yield RuntimeChanges.admin(s, CONFIG, pool, address,
                        route.endpoint() == Endpoint.READY ? AdminState.READY : AdminState.MAINT, null);
            }
            case CANARY -> {
                CanaryRequest canary = ApiJson.read(body, CanaryRequest.class);
                int percent = canary.percentRequired();
                yield RuntimeChanges.canary(s, CONFIG, pool, canary.versionOrNull(), percent);
            }
            case DEPLOY -> {
                if (method.equals(HttpMethod.POST)) {
                    deploy(ApiJson.read(body, DeployRequest.class));
                }
                yield null;
            }
            case ROLLBACK -> {
                RollbackRequest rollback = ApiJson.read(body, RollbackRequest.class);
                rollback.modeOrDefault();
                positive(rollback::holdTimeoutOrDefault);
                yield null;
            }
            case RELOAD, TLS_RELOAD, RESTART -> {
                ApiJson.read(body, NoBody.class);
                yield null;
            }
            case CACHE_PURGE -> {
                dev.gatehouse.core.api.CachePurgeRequest.Target t =
                        ApiJson.read(body, dev.gatehouse.core.api.CachePurgeRequest.class).target();
                assertThat(t.scheme()).isIn("http", "https");
                assertThat(t.target()).startsWith("/");
                yield null;
            }
            case DB_REPOINT -> {
                assertThat(DatabasesResource.repointAddress(body).port()).isBetween(1, 65535);
                assertThat(pool).matches("[A-Za-z0-9_.-]{1,63}");
                yield null;
            }
            case DB_PAUSE, DB_RESUME, DB_RECONNECT, DB_KILL_SERVER, DB_KILL_POOL -> {
                ApiJson.read(body, NoBody.class);
                assertThat(pool).matches("[A-Za-z0-9_.-]{1,63}");
                yield null;
            }
            case NODE, HEALTH, DASHBOARD, EVENTS, POOLS, POOL, METRICS, CACHE, DATABASES -> null;
        };
    }

    /** What {@code DeployResource.deploy} checks of the body before it starts anything. */
    private static void deploy(DeployRequest d) {
        assertThat(d.versionRequired()).matches("[A-Za-z0-9._-]{1,64}");
        List<HostPort> backends = d.addresses();
        assertThat(backends).doesNotHaveDuplicates().allSatisfy(a -> assertThat(a.port()).isBetween(1, 65535));
        d.modeOrDefault();
        positive(d::gateTimeoutOrDefault);
        positive(d::holdTimeoutOrDefault);
        positive(d::drainTimeoutOrDefault);
        int size = Math.max(1, backends.size());
        assertThat(d.quorumOf(size)).isBetween(1, size);
        assertThat(d.warmupOrDefault()).isBetween(0, 10_000);
    }

    private static void positive(Supplier<Duration> duration) {
        Duration d = duration.get();
        assertThat(d.isNegative() || d.isZero()).as("duration %s", d).isFalse();
    }

    /** A failure becomes a 4xx with a message, in JSON, never a 500. */
    private static void assertAnswered(RuntimeException e, Endpoint endpoint) {
        AdminResponse response = AdminResponses.failure(e, endpoint);
        assertThat(response.status().code()).as("status for %s", e.toString()).isBetween(400, 499);
        assertThat(response.error()).as("error message").isNotBlank();
        ApiError error;
        try {
            error = ApiJson.readResponse(response.body(), ApiError.class);
        } catch (IOException notJson) {
            throw new AssertionError("error body is not JSON: " + new String(response.body(), StandardCharsets.UTF_8), notJson);
        }
        assertThat(error.error()).isEqualTo(response.error());
    }

    private static GatehouseConfig config() {
        try {
            return ConfigLoader.parse("""
                    listeners:
                      - bind: 127.0.0.1:8080
                        routes: [{ pool: web }]
                    pools:
                      web:
                        backends:
                          - { address: 10.0.0.1:8001, version: v1 }
                          - { address: 10.0.0.2:8001, version: v1 }
                          - { address: "[::1]:8003", version: v2 }
                      api:
                        backends: []
                    """, name -> null);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }
}
