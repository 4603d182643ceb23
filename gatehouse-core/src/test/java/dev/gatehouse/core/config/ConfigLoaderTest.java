package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class ConfigLoaderTest {

    /** The smallest valid config; tests add one section to it. */
    private static final String MINIMAL = """
            listeners:
              - bind: 127.0.0.1:8080
                routes:
                  - pool: web
            pools:
              web: {}
            """;

    private static final Function<String, String> NO_ENV = name -> null;

    @Test
    void parse_completeConfigBuildsTheExpectedRecords() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                listeners:
                  - bind: 0.0.0.0:8080
                    routes:
                      - { host: API.Example.com, path_prefix: /v1/, pool: api }
                      - { host: "*.example.com", pool: web }
                  - bind: "[::1]:8081"
                    routes:
                      - path_prefix: /
                        pool: web
                pools:
                  web:
                    strategy: round-robin
                    backends:
                      - { address: 10.0.0.11:8001, weight: 3, version: v41 }
                      - 10.0.0.12:8001
                  api:
                    backends: []
                timeouts:
                  client_header: 5s
                  client_idle: 2m
                  client_body: 30
                  backend_connect: 250ms
                  backend_response_header: 1h
                  backend_idle: 45s
                  shutdown_drain: 10s
                limits: { max_request_line: 4k, max_header_size: 16KB, max_request_body: 0 }
                upstream: { max_idle_per_loop: 0, idle_timeout: 90s }
                forwarding: { trusted_proxies: [10.0.0.0/8, "::1"], forwarded: true, via: edge }
                access_log: { enabled: false, path: /var/log/gatehouse/access.log }
                admin: { bind: 10.0.0.1:9090, token_file: /etc/gatehouse/admin.token, state_file: /var/lib/gatehouse/state.json }
                """, NO_ENV);

        assertThat(config).isEqualTo(new GatehouseConfig(
                List.of(
                        new ListenerConfig(new HostPort("0.0.0.0", 8080), List.of(
                                new RouteConfig("api.example.com", "/v1/", "api"),
                                new RouteConfig("*.example.com", "/", "web"))),
                        new ListenerConfig(new HostPort("::1", 8081), List.of(new RouteConfig(null, "/", "web")))),
                Map.of(
                        "web", fromFile("web", Strategy.ROUND_ROBIN, List.of(
                                new BackendConfig(new HostPort("10.0.0.11", 8001), 3, "v41"),
                                new BackendConfig(new HostPort("10.0.0.12", 8001), 1, BackendConfig.DEFAULT_VERSION))),
                        "api", fromFile("api", Strategy.DEFAULT, List.of())),
                new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofSeconds(60),
                        Duration.ofMillis(250), Duration.ofHours(1), Duration.ofSeconds(45), Duration.ofSeconds(10)),
                new LimitsConfig(4096, 16384, 0),
                new UpstreamConfig(0, Duration.ofSeconds(90)),
                new ForwardingConfig(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")), true, "edge"),
                new AccessLogConfig(false, "/var/log/gatehouse/access.log"),
                new AdminConfig(new HostPort("10.0.0.1", 9090), "/etc/gatehouse/admin.token", null,
                        "/var/lib/gatehouse/state.json")));
        assertThat(config.pools().keySet()).containsExactly("web", "api");
    }

    @Test
    void parse_appliesDefaults() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL, NO_ENV);

        assertThat(config.listeners()).containsExactly(
                new ListenerConfig(new HostPort("127.0.0.1", 8080), List.of(new RouteConfig(null, "/", "web"))));
        assertThat(config.pools()).containsExactly(Map.entry("web", fromFile("web", Strategy.DEFAULT, List.of())));
        assertThat(config.timeouts()).isEqualTo(TimeoutsConfig.DEFAULTS);
        assertThat(config.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(config.upstream()).isEqualTo(UpstreamConfig.DEFAULTS);
        assertThat(config.forwarding()).isEqualTo(ForwardingConfig.DEFAULTS);
        assertThat(config.accessLog()).isEqualTo(AccessLogConfig.DEFAULTS);
        assertThat(config.admin()).isEqualTo(AdminConfig.DEFAULTS);
    }

    @Test
    void parse_keepsDefaultsForKeysLeftOutOfASection() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + """
                timeouts: { client_idle: 5m }
                limits: { max_request_body: 10m }
                forwarding: { forwarded: true }
                """, NO_ENV);

        assertThat(config.timeouts().clientIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.timeouts().clientHeader()).isEqualTo(TimeoutsConfig.DEFAULTS.clientHeader());
        assertThat(config.limits()).isEqualTo(new LimitsConfig(8192, 32768, 10L << 20));
        assertThat(config.forwarding()).isEqualTo(new ForwardingConfig(List.of(), true, "gatehouse"));
        assertThat(ConfigLoader.parse(MINIMAL + "forwarding: { underscores_in_headers: keep }", NO_ENV).forwarding()
                .keepUnderscoreHeaders()).isTrue();
        assertThat(config.forwarding().forwardBodyOnGetHead()).as("bodies on GET and HEAD are refused by default").isFalse();
        assertThat(ConfigLoader.parse(MINIMAL + "forwarding: { body_on_get_head: forward }", NO_ENV).forwarding()
                .forwardBodyOnGetHead()).isTrue();
    }

    @Test
    void parse_treatsNullValuesAsAbsent() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes:
                      - { host: ~, path_prefix: ~, pool: web }
                pools:
                  web:
                timeouts:
                access_log: { path: ~ }
                """, NO_ENV);

        assertThat(config.listeners().get(0).routes()).containsExactly(new RouteConfig(null, "/", "web"));
        assertThat(config.pools().get("web")).isEqualTo(fromFile("web", Strategy.DEFAULT, List.of()));
        assertThat(config.timeouts()).isEqualTo(TimeoutsConfig.DEFAULTS);
        assertThat(config.accessLog()).isEqualTo(AccessLogConfig.DEFAULTS);
    }

    @Test
    void parse_acceptsTheShortBackendForm() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL.replace("web: {}", """
                web:
                    backends:
                      - 10.0.0.1:8001
                      - "[fd00::1]:8002"
                      - { address: backend.internal:8003 }
                """), NO_ENV);

        assertThat(config.pools().get("web").backends()).containsExactly(
                new BackendConfig(new HostPort("10.0.0.1", 8001), 1, "default"),
                new BackendConfig(new HostPort("fd00::1", 8002), 1, "default"),
                new BackendConfig(new HostPort("backend.internal", 8003), 1, "default"));
    }

    @Test
    void parse_lowercasesRouteHosts() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL.replace("- pool: web", "- { host: \"*.Example.COM\", pool: web }"), NO_ENV);

        assertThat(config.listeners().get(0).routes().get(0).host()).isEqualTo("*.example.com");
    }

    @Test
    void parse_readsNumbersAsWrittenWhereAStringIsExpected() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL.replace("web: {}", """
                web:
                    backends:
                      - { address: 10.0.0.1:8001, version: 1.10 }
                      - { address: 10.0.0.2:8001, version: 42 }
                      - { address: 10.0.0.3:8001, version: 010 }
                """), NO_ENV);

        assertThat(config.pools().get("web").backends()).extracting(BackendConfig::version).containsExactly("1.10", "42", "010");
    }

    @Test
    void parse_reportsEveryErrorWithItsPath() {
        List<ConfigError> errors = errors("""
                listeners:
                  - bnd: 127.0.0.1:8080
                    routes:
                      - { host: "a b", pool: api }
                  - bind: localhost:99999
                    routes: { pool: web }
                pools:
                  web:
                    strategy: fastest
                    backends:
                      - 10.0.0.1:80
                      - { address: 10.0.0.1:80, weight: 0 }
                timeouts: { client_idle: 10x }
                access_log: { enabled: yes }
                """);

        assertThat(errors).containsExactly(
                new ConfigError("listeners[0].bnd", "unknown field \"bnd\" (expected one of: bind, routes, tls, http2)"),
                new ConfigError("listeners[0].routes[0].host",
                        "\"a b\" (expected: a host name such as api.example.com, or *.example.com; no port)"),
                new ConfigError("listeners[0].routes[0].pool", "\"api\" (expected one of: web)"),
                new ConfigError("listeners[0].bind", "missing (expected: host:port)"),
                new ConfigError("listeners[1].bind", "\"localhost:99999\" (expected: port 0-65535)"),
                new ConfigError("listeners[1].routes", "a map (expected: a list of routes)"),
                new ConfigError("pools.web.strategy", "\"fastest\" (expected one of: round-robin, weighted-round-robin, least-connections, p2c-ewma, consistent-hash, random)"),
                new ConfigError("pools.web.backends[1].address",
                        "\"10.0.0.1:80\" (expected: an address not already used by backends[0])"),
                new ConfigError("pools.web.backends[1].weight", "0 (expected: an integer 1-1000)"),
                new ConfigError("timeouts.client_idle",
                        "\"10x\" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)"),
                new ConfigError("access_log.enabled", "\"yes\" (expected: true or false)"));
    }

    @Test
    void parse_exceptionMessageListsEveryErrorOnItsOwnLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                listeners: []
                pools: []
                """, NO_ENV));

        assertThat(e.getMessage()).isEqualTo("""
                listeners: [] (expected: at least one listener)
                pools: [] (expected: a map of pool names to pools)""");
    }

    static Stream<Arguments> singleErrors() {
        return Stream.of(
                // structure and types
                Arguments.of("listeners: {bind: x}\npools: {web: {}}", "listeners", "a map (expected: a list of listeners)"),
                Arguments.of("listeners: [x]\npools: {web: {}}", "listeners[0]", "\"x\" (expected: a map)"),
                Arguments.of("pools: {web: {}}", "listeners", "missing (expected: a list of listeners)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web}]}]", "listeners[0].routes[0].pool",
                        "\"web\" (expected: a pool declared under pools; there are none)"),
                Arguments.of(MINIMAL + "metrics: {}", "metrics",
                        "unknown field \"metrics\" (expected one of: listeners, pools, timeouts, limits, upstream, forwarding, access_log, admin, apps, fleet, dns, bodies, tracing, databases)"),
                Arguments.of(MINIMAL + "timeouts: [10s]", "timeouts", "a list (expected: a map)"),
                Arguments.of(MINIMAL + "timeouts: 10s", "timeouts", "\"10s\" (expected: a map)"),
                Arguments.of(MINIMAL + "timeouts: {client: 1s}", "timeouts.client",
                        "unknown field \"client\" (expected one of: client_header, client_idle, client_body, "
                                + "client_send, backend_connect, backend_response_header, backend_idle, shutdown_drain)"),
                // listeners and routes
                Arguments.of("listeners: [{bind: 127.0.0.1:1}]\npools: {web: {}}", "listeners[0].routes",
                        "missing (expected: a list of routes)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: []}]\npools: {web: {}}", "listeners[0].routes",
                        "[] (expected: at least one route)"),
                Arguments.of("listeners: [{bind: nonsense, routes: [{pool: web}]}]\npools: {web: {}}", "listeners[0].bind",
                        "\"nonsense\" (expected: host:port, or [ipv6]:port)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web}]}, {bind: 127.0.0.1:1, routes: [{pool: web}]}]\n"
                        + "pools: {web: {}}", "listeners[1].bind",
                        "\"127.0.0.1:1\" (expected: an address not already bound by listeners[0])"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{path_prefix: /a}]}]\npools: {web: {}}",
                        "listeners[0].routes[0].pool", "missing (expected: the name of a pool, a redirect or static files)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web, path_prefix: api}]}]\npools: {web: {}}",
                        "listeners[0].routes[0].path_prefix", "\"api\" (expected: a path starting with /)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web, path_prefix: \"/a b\"}]}]\npools: {web: {}}",
                        "listeners[0].routes[0].path_prefix",
                        "\"/a b\" (expected: visible ASCII without ?, # or spaces; percent-encode other characters)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web, host: \"example.com:80\"}]}]\npools: {web: {}}",
                        "listeners[0].routes[0].host",
                        "\"example.com:80\" (expected: a host name such as api.example.com, or *.example.com; no port)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web, host: \"*\"}]}]\npools: {web: {}}",
                        "listeners[0].routes[0].host",
                        "\"*\" (expected: a host name such as api.example.com, or *.example.com; no port)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web, host: \"a..b\"}]}]\npools: {web: {}}",
                        "listeners[0].routes[0].host",
                        "\"a..b\" (expected: a host name such as api.example.com, or *.example.com; no port)"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web, host: A.com}, {pool: web, host: a.com, path_prefix: /}]}]\n"
                        + "pools: {web: {}}", "listeners[0].routes[1]",
                        "host \"a.com\" and path_prefix \"/\" (expected: a combination not already used by routes[0])"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: web}, {pool: web}]}]\npools: {web: {}}",
                        "listeners[0].routes[1]",
                        "any host and path_prefix \"/\" (expected: a combination not already used by routes[0])"),
                Arguments.of("listeners: [{bind: 127.0.0.1:1, routes: [{pool: api}]}]\npools: {}", "listeners[0].routes[0].pool",
                        "\"api\" (expected: a pool declared under pools; there are none)"),
                // pools and backends
                Arguments.of(MINIMAL + "  Web: {}", "pools.Web",
                        "\"Web\" (expected: a pool name of 1-63 lowercase letters, digits, _ or -, starting with a letter or digit)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: {a: b}}"), "pools.web.backends",
                        "a map (expected: a list of backends)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{weight: 2}]}"), "pools.web.backends[0].address",
                        "missing (expected: host:port)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [[1]]}"), "pools.web.backends[0]",
                        "a list (expected: host:port, or a map with address, weight and version)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [\"10.0.0.1:0\"]}"), "pools.web.backends[0]",
                        "\"10.0.0.1:0\" (expected: port 1-65535)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{address: 10.0.0.1:1, weight: 1001}]}"),
                        "pools.web.backends[0].weight", "1001 (expected: an integer 1-1000)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{address: 10.0.0.1:1, weight: \"2\"}]}"),
                        "pools.web.backends[0].weight", "\"2\" (expected: an integer 1-1000)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{address: 10.0.0.1:1, weight: 1.5}]}"),
                        "pools.web.backends[0].weight", "\"1.5\" (expected: an integer 1-1000)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{address: 10.0.0.1:1, weight: 0x10}]}"),
                        "pools.web.backends[0].weight", "\"0x10\" (expected: an integer 1-1000)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{address: 10.0.0.1:1, version: \"v/1\"}]}"),
                        "pools.web.backends[0].version", "\"v/1\" (expected: a version label of 1-64 letters, digits, ., _ or -)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{address: 10.0.0.1:1, version: true}]}"),
                        "pools.web.backends[0].version", "true (expected: a string; quote it)"),
                Arguments.of(MINIMAL.replace("web: {}", "web: {backends: [{address: 10.0.0.1:1, port: 1}]}"),
                        "pools.web.backends[0].port", "unknown field \"port\" (expected one of: address, weight, version)"),
                // settings
                Arguments.of(MINIMAL + "limits: {max_request_line: 100}", "limits.max_request_line",
                        "100 (expected: 256 bytes to 1 MiB)"),
                Arguments.of(MINIMAL + "limits: {max_header_size: 2m}", "limits.max_header_size",
                        "\"2m\" (expected: 1 KiB to 1 MiB)"),
                Arguments.of(MINIMAL + "limits: {max_request_body: -1}", "limits.max_request_body",
                        "-1 (expected: a size such as 8192, 8k, 32kb, 1m or 2g)"),
                Arguments.of(MINIMAL + "upstream: {max_idle_per_loop: 10001}", "upstream.max_idle_per_loop",
                        "10001 (expected: an integer 0-10000)"),
                Arguments.of(MINIMAL + "upstream: {idle_timeout: 0}", "upstream.idle_timeout",
                        "0 (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)"),
                Arguments.of(MINIMAL + "forwarding: {trusted_proxies: 10.0.0.0/8}", "forwarding.trusted_proxies",
                        "\"10.0.0.0/8\" (expected: a list of IP networks)"),
                Arguments.of(MINIMAL + "forwarding: {trusted_proxies: [example.com]}", "forwarding.trusted_proxies[0]",
                        "\"example.com\" (expected: an IP network such as 10.0.0.0/8 or ::1)"),
                Arguments.of(MINIMAL + "forwarding: {trusted_proxies: [10.0.0.0/33]}", "forwarding.trusted_proxies[0]",
                        "\"10.0.0.0/33\" (expected: an IP network such as 10.0.0.0/8 or ::1, prefix at most /32 for IPv4, /128 for IPv6)"),
                Arguments.of(MINIMAL + "forwarding: {forwarded: \"true\"}", "forwarding.forwarded",
                        "\"true\" (expected: true or false)"),
                Arguments.of(MINIMAL + "forwarding: {forwarded: 1}", "forwarding.forwarded", "1 (expected: true or false)"),
                Arguments.of(MINIMAL + "forwarding: {via: \"my proxy\"}", "forwarding.via",
                        "\"my proxy\" (expected: a token, e.g. gatehouse)"),
                Arguments.of(MINIMAL + "forwarding: {underscores_in_headers: allow}", "forwarding.underscores_in_headers",
                        "\"allow\" (expected one of: drop, keep)"),
                Arguments.of(MINIMAL + "forwarding: {body_on_get_head: allow}", "forwarding.body_on_get_head",
                        "\"allow\" (expected one of: reject, forward)"),
                Arguments.of(MINIMAL + "access_log: {path: \"\"}", "access_log.path", "\"\" (expected: stdout or a file path)"),
                Arguments.of(MINIMAL + "access_log: {enabled: on}", "access_log.enabled", "\"on\" (expected: true or false)"),
                // admin
                Arguments.of(MINIMAL + "admin: 9090", "admin",
                        "9090 (expected: false, or a map with bind, token_file, token_env, state_file)"),
                Arguments.of(MINIMAL + "admin: {tokn_file: x}", "admin.tokn_file",
                        "unknown field \"tokn_file\" (expected one of: bind, token_file, token_env, state_file)"),
                Arguments.of(MINIMAL + "admin: {bind: 9090}", "admin.bind", "\"9090\" (expected: host:port, or [ipv6]:port)"),
                Arguments.of(MINIMAL + "admin: {bind: 0.0.0.0:9090}", "admin.bind",
                        "\"0.0.0.0:9090\" (expected: a loopback address such as 127.0.0.1:9090; any other address needs a"
                                + " token: set token_file or token_env)"),
                Arguments.of(MINIMAL + "admin: {bind: admin.internal:9090}", "admin.bind",
                        "\"admin.internal:9090\" (expected: a loopback address such as 127.0.0.1:9090; any other address"
                                + " needs a token: set token_file or token_env)"),
                Arguments.of(MINIMAL + "admin: {token_file: /a, token_env: B}", "admin.token_env",
                        "set together with token_file (expected: one of them)"),
                Arguments.of(MINIMAL + "admin: {token_env: \"1A\"}", "admin.token_env",
                        "\"1A\" (expected: an environment variable name: letters, digits and _, not starting with a digit)"),
                Arguments.of(MINIMAL + "admin: {token_file: \" \"}", "admin.token_file",
                        "\"\" (expected: the path of a file holding the token)"),
                Arguments.of(MINIMAL + "admin: {state_file: [a]}", "admin.state_file", "a list (expected: a string; quote it)"),
                Arguments.of(MINIMAL + "admin: {bind: 127.0.0.1:8080}", "admin.bind",
                        "\"127.0.0.1:8080\" (expected: an address not already bound by listeners[0])"));
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1:9090", "127.1.2.3:1", "localhost:9090", "LocalHost:9090", "'[::1]:9090'", "127.0.0.1:0"})
    void parse_adminOnLoopbackNeedsNoToken(String bind) throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + "admin: { bind: \"" + bind + "\" }\n", NO_ENV);

        assertThat(config.admin()).isEqualTo(new AdminConfig(HostPort.parse(bind), null, null, null));
        assertThat(config.admin().hasToken()).isFalse();
    }

    @Test
    void parse_adminAnywhereWithAToken() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + "admin: { bind: 0.0.0.0:9090, token_env: GATEHOUSE_TOKEN }\n", NO_ENV);

        assertThat(config.admin()).isEqualTo(new AdminConfig(new HostPort("0.0.0.0", 9090), null, "GATEHOUSE_TOKEN", null));
    }

    @Test
    void parse_adminFalseIsNoListener_trueAndAbsentAreTheDefaults() throws ConfigException {
        assertThat(ConfigLoader.parse(MINIMAL + "admin: false\n", NO_ENV).admin()).isEqualTo(AdminConfig.DISABLED);
        assertThat(ConfigLoader.parse(MINIMAL + "admin: true\n", NO_ENV).admin()).isEqualTo(AdminConfig.DEFAULTS);
        assertThat(ConfigLoader.parse(MINIMAL + "admin: ~\n", NO_ENV).admin()).isEqualTo(AdminConfig.DEFAULTS);
        assertThat(ConfigLoader.parse(MINIMAL + "admin: { state_file: /tmp/s.json }\n", NO_ENV).admin())
                .isEqualTo(new AdminConfig(new HostPort("127.0.0.1", 9090), null, null, "/tmp/s.json"));
    }

    @Test
    void parse_listsOddPoolNamesQuoted_soAnErrorStaysOneLine() {
        // Found by ConfigLoaderFuzzTest: the declared names were listed as written, line breaks and all.
        List<ConfigError> errors = errors("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [{ pool: api }]
                pools: { "w\\ne b": {}, web: {} }
                """);
        assertThat(errors).contains(new ConfigError("listeners[0].routes[0].pool",
                "\"api\" (expected one of: \"w\\ne b\", web)"));
        assertThat(errors).allSatisfy(e -> assertThat(e.toString()).doesNotContain("\n"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("singleErrors")
    void parse_reportsTheError(String yaml, String path, String message) {
        assertThat(errors(yaml)).containsExactly(new ConfigError(path, message));
    }

    @Test
    void parse_reportsErrorsOfSeveralSectionsTogether() {
        List<ConfigError> errors = errors(MINIMAL + """
                limits: { max_request_line: 1 }
                forwarding: { forwarded: maybe, via: "a b" }
                access_log: { enabled: 1, path: "" }
                """);

        assertThat(errors).extracting(ConfigError::path).containsExactly(
                "limits.max_request_line", "forwarding.forwarded", "forwarding.via", "access_log.enabled", "access_log.path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "# only a comment\n", "~\n", "---\n"})
    void parse_emptyDocumentIsAnError(String yaml) {
        assertThat(errors(yaml)).containsExactly(new ConfigError("", "empty document (expected: a map with listeners and pools)"));
    }

    @Test
    void parse_rootThatIsNotAMapIsAnError() {
        assertThat(errors("- a\n- b\n")).containsExactly(new ConfigError("", "a list (expected: a map)"));
    }

    @Test
    void parse_yamlSyntaxErrorIsOneErrorWithLineAndColumn() {
        assertThat(errors("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: pool: web
                """)).containsExactly(new ConfigError("",
                "line 3, column 17: mapping values are not allowed here (expected: valid YAML)"));
    }

    @Test
    void parse_duplicateKeyIsAnError() {
        assertThat(errors(MINIMAL + "pools: {}\n"))
                .containsExactly(new ConfigError("pools", "duplicate key \"pools\" (expected: each key once)"));
    }

    @Test
    void parse_aliasIsAnError() {
        assertThat(errors(MINIMAL.replace("web: {}", "web: &w {}\n  api: *w")))
                .containsExactly(new ConfigError("pools.api", "alias *w (expected: a value; anchors and aliases are not supported)"));
    }

    @Test
    void parse_secondDocumentIsAnError() {
        assertThat(errors(MINIMAL + "---\n" + MINIMAL))
                .containsExactly(new ConfigError("", "a second document (expected: one YAML document per file)"));
    }

    @Test
    void parse_emptyTrailingDocumentIsIgnored() throws ConfigException {
        assertThat(ConfigLoader.parse(MINIMAL + "---\n", NO_ENV)).isNotNull();
    }

    @Test
    void parse_deepNestingIsAnError() {
        String yaml = MINIMAL + "limits: " + "[".repeat(50) + "]".repeat(50) + "\n";

        List<ConfigError> errors = errors(yaml);

        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).message()).isEqualTo("nested deeper than 32 levels (expected: a shallower document)");
        assertThat(errors.get(0).path()).startsWith("limits[0][0]");
    }

    @Test
    void parse_textLargerThanOneMebibyteIsAnError() {
        String yaml = MINIMAL + "#" + "x".repeat(1024 * 1024) + "\n";

        assertThat(errors(yaml)).containsExactly(
                new ConfigError("", yaml.length() + " characters (expected: at most 1 MiB)"));
    }

    @Test
    void parse_pathsQuoteKeysThatAreNotPlainNames() {
        assertThat(errors(MINIMAL + "timeouts: {\"a.b\": 1}\n"))
                .extracting(ConfigError::path).containsExactly("timeouts[\"a.b\"]");
    }

    @Test
    void parse_errorMessagesCutLongValues() {
        String value = "x".repeat(300);

        ConfigError error = errors(MINIMAL + "access_log: {enabled: " + value + "}\n").get(0);

        assertThat(error.message()).isEqualTo("\"" + "x".repeat(100) + "...\" (expected: true or false)");
    }

    // ---- environment substitution

    @Test
    void parse_substitutesEnvironmentVariables() throws ConfigException {
        Map<String, String> env = Map.of("HOST", "10.0.0.5", "PORT", "9000", "WEIGHT", "7", "LOG", "false", "IDLE", "90s");

        GatehouseConfig config = ConfigLoader.parse(MINIMAL.replace("web: {}", """
                web:
                    backends:
                      - { address: "${HOST}:${PORT}", weight: "${WEIGHT}", version: "${VERSION:-v1}" }
                      - ${HOST}:${OTHER_PORT:-9001}
                """) + """
                upstream: { idle_timeout: "${IDLE}" }
                access_log: { enabled: "${LOG}" }
                """, env::get);

        assertThat(config.pools().get("web").backends()).containsExactly(
                new BackendConfig(new HostPort("10.0.0.5", 9000), 7, "v1"),
                new BackendConfig(new HostPort("10.0.0.5", 9001), 1, "default"));
        assertThat(config.upstream().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.accessLog().enabled()).isFalse();
    }

    @Test
    void parse_usesTheDefaultForAnEmptyVariable() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + "access_log: { path: \"${LOG_PATH:-stdout}\" }\n",
                Map.of("LOG_PATH", "")::get);

        assertThat(config.accessLog().path()).isEqualTo("stdout");
    }

    @Test
    void parse_reportsAnUnsetVariableAtItsPath() {
        assertThat(errors(MINIMAL.replace("web: {}", "web: {backends: [\"${DB_HOST}:5432\"]}")))
                .containsExactly(new ConfigError("pools.web.backends[0]",
                        "${DB_HOST} is not set (expected: an environment variable or ${DB_HOST:-default})"));
    }

    @Test
    void parse_reportsAMalformedReference() {
        assertThat(errors(MINIMAL + "forwarding: { via: \"${1X}\" }\n"))
                .containsExactly(new ConfigError("forwarding.via",
                        "\"${1X}\" (expected: ${NAME} or ${NAME:-default}, or $${ for a literal ${)"));
        assertThat(errors(MINIMAL + "forwarding: { via: \"${OPEN\" }\n"))
                .extracting(ConfigError::path).containsExactly("forwarding.via");
    }

    @Test
    void parse_doubleDollarEscapesAReference() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + "access_log: { path: \"/logs/$${HOME}/a$b$$c\" }\n", NO_ENV);

        assertThat(config.accessLog().path()).isEqualTo("/logs/${HOME}/a$b$$c");
    }

    @Test
    void parse_substitutedValuesCannotAddStructure() throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + "access_log: { path: \"${P}\" }\n",
                Map.of("P", "x\nenabled: false\n- y")::get);

        assertThat(config.accessLog()).isEqualTo(new AccessLogConfig(true, "x\nenabled: false\n- y"));
    }

    @Test
    void parse_substitutedIntegerMustBeAnInteger() {
        assertThat(errors(MINIMAL + "upstream: { max_idle_per_loop: \"${N}\" }\n", Map.of("N", "many")))
                .containsExactly(new ConfigError("upstream.max_idle_per_loop", "\"many\" (expected: an integer 0-10000)"));
    }

    // ---- durations and sizes

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"250ms, 250", "10s, 10000", "5m, 300000", "1h, 3600000", "24h, 86400000", "30, 30000", "'\"30\"', 30000",
            "1ms, 1", "86400, 86400000"})
    void parse_readsDurations(String written, long millis) throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + "timeouts: { client_idle: " + written + " }\n", NO_ENV);

        assertThat(config.timeouts().clientIdle()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0s", "25h", "86401", "1.5s", "10S", "1m30s", "10 s", "-1s", "s", "\"\"", "1d",
            "9999999999999h"})
    void parse_rejectsBadDurations(String written) {
        List<ConfigError> errors = errors(MINIMAL + "timeouts: { client_idle: " + written + " }\n");

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("timeouts.client_idle");
            assertThat(e.message()).endsWith("(expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)");
        });
    }

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource({"0, 0", "8192, 8192", "8k, 8192", "8KiB, 8192", "64kib, 65536", "1MiB, 1048576", "8K, 8192", "8kb, 8192", "8KB, 8192", "1m, 1048576", "1Mb, 1048576",
            "2g, 2147483648", "2GB, 2147483648", "'\"100\"', 100", "8388608g, 9007199254740992"})
    void parse_readsSizes(String written, long bytes) throws ConfigException {
        GatehouseConfig config = ConfigLoader.parse(MINIMAL + "limits: { max_request_body: " + written + " }\n", NO_ENV);

        assertThat(config.limits().maxRequestBody()).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5m", "8kbi", "8 k", "-1", "k", "1t", "\"\"", "9999999999999g", "99999999999999999999"})
    void parse_rejectsBadSizes(String written) {
        List<ConfigError> errors = errors(MINIMAL + "limits: { max_request_body: " + written + " }\n");

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo("limits.max_request_body");
            assertThat(e.message()).endsWith("(expected: a size such as 8192, 8k, 32kb, 1m or 2g)");
        });
    }

    // ---- files

    @Test
    void load_readsAFile(@TempDir Path dir) throws IOException, ConfigException {
        Path file = Files.writeString(dir.resolve("gatehouse.yaml"), MINIMAL);

        assertThat(ConfigLoader.load(file)).isEqualTo(ConfigLoader.parse(MINIMAL, NO_ENV));
    }

    @Test
    void load_missingFileIsAnError(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");

        assertThat(loadErrors(file)).containsExactly(
                new ConfigError("", "\"" + file + "\" does not exist (expected: a readable config file)"));
    }

    @Test
    void load_fileLargerThanOneMebibyteIsAnError(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("big.yaml"), MINIMAL + "#" + "x".repeat(1024 * 1024));

        assertThat(loadErrors(file)).containsExactly(
                new ConfigError("", "\"" + file + "\" is larger than 1 MiB (expected: at most 1 MiB)"));
    }

    @Test
    void load_fileThatIsNotUtf8IsAnError(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("latin1.yaml"), (MINIMAL + "# caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1));

        assertThat(loadErrors(file)).containsExactly(
                new ConfigError("", "\"" + file + "\" is not valid UTF-8 (expected: a UTF-8 text file)"));
    }

    @Test
    void load_directoryIsAnError(@TempDir Path dir) {
        assertThat(loadErrors(dir)).singleElement().satisfies(e -> {
            assertThat(e.path()).isEmpty();
            assertThat(e.message()).startsWith("\"" + dir + "\" cannot be read: ").endsWith("(expected: a readable config file)");
        });
    }

    @Test
    void parse_theCompleteExampleInTheDocs() throws IOException, ConfigException {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        int start = doc.indexOf("```yaml\n");
        int end = doc.indexOf("```", start + 8);
        assertThat(start).as("a ```yaml block in docs/configuration.md").isNotNegative();

        GatehouseConfig config = ConfigLoader.parse(doc.substring(start + 8, end), NO_ENV);

        assertThat(config.listeners()).hasSize(3);
        assertThat(config.listeners().get(2).routes()).singleElement()
                .satisfies(r -> assertThat(r.redirect()).isEqualTo(new RedirectConfig("https", null, 0, 308)));
        assertThat(config.pools()).containsOnlyKeys("web", "api", "static");
        assertThat(config.pools().get("web").backends().get(0).address()).isEqualTo(new HostPort("10.0.0.11", 8001));
        // The example shows every default; it must agree with the records.
        assertThat(config.timeouts()).isEqualTo(TimeoutsConfig.DEFAULTS);
        assertThat(config.limits()).isEqualTo(LimitsConfig.DEFAULTS);
        assertThat(config.listeners().get(0).routes()).contains(
                new RouteConfig(null, "/upload/", "web", 100L << 20, null),
                new RouteConfig(null, "/login", "web", null, new RateLimitConfig(RateLimitConfig.Key.CLIENT_IP, null, 10,
                        Duration.ofMinutes(1), 5, RateLimitConfig.DEFAULT_MAX_KEYS)));
        assertThat(config.upstream()).isEqualTo(UpstreamConfig.DEFAULTS);
        assertThat(config.accessLog()).isEqualTo(AccessLogConfig.DEFAULTS);
        assertThat(config.admin()).isEqualTo(new AdminConfig(new HostPort("127.0.0.1", 9090), null, null, null));
        PoolConfig web = config.pools().get("web");
        HealthCheckConfig c = HealthCheckConfig.DEFAULTS;
        assertThat(web.health()).isEqualTo(new HealthConfig(new HealthCheckConfig(c.type(), "/health", c.method(), c.host(),
                c.expectMin(), c.expectMax(), c.bodyContains(), c.timeout(), c.interval(), c.jitter(), c.rise(), c.fall()),
                OutlierConfig.DEFAULTS, SlowStartConfig.DEFAULTS, PanicConfig.DEFAULTS));
        assertThat(web.retry()).isEqualTo(RetryConfig.DEFAULTS);
        AppConfig app = config.apps().get("web");
        assertThat(app.command().words()).containsExactly("python3", "app.py", "--port", "{port}");
        assertThat(app.stopGrace()).isEqualTo(AppConfig.DEFAULT_STOP_GRACE);
        assertThat(app.restart()).isEqualTo(RestartConfig.DEFAULTS);
        DatabasesConfig db = config.databases();
        assertThat(db.listeners()).containsExactly(new DatabaseListenerConfig(new HostPort("0.0.0.0", 6432)));
        assertThat(db.servers().get("main").connectTimeout()).isEqualTo(DatabaseServerConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(db.pools().get("app")).isEqualTo(new DatabasePoolConfig("app", "main", "app", DatabasePoolConfig.DEFAULT_MODE, 0, 20,
                DatabasePoolConfig.DEFAULT_WAIT_TIMEOUT, DatabasePoolConfig.DEFAULT_SESSION_STATE));
        assertThat(db.users().get("app")).isEqualTo(new DatabaseUserConfig("app", DatabaseUserConfig.DEFAULT_AUTH, "change-me"));
        assertThat(db.limits()).isEqualTo(DatabaseLimitsConfig.DEFAULTS);
    }

    private static List<ConfigError> errors(String yaml) {
        return errors(yaml, Map.of());
    }

    private static List<ConfigError> errors(String yaml, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, env::get));
        assertThat(e).as("errors for:\n%s", yaml).isNotNull();
        return e.errors();
    }

    private static List<ConfigError> loadErrors(Path file) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e).as("errors for %s", file).isNotNull();
        return e.errors();
    }

    /** A pool as the file gives it when it names no admission policy: protected by default. */
    private static PoolConfig fromFile(String name, Strategy strategy, List<BackendConfig> backends) {
        return new PoolConfig(name, strategy, backends, HashConfig.DEFAULTS, AdmissionConfig.PROTECTED, null);
    }
}
