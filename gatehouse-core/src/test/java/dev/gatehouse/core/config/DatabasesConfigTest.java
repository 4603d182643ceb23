package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code databases} section (the PostgreSQL front door): every key, the defaults, and each error with its path. */
final class DatabasesConfigTest {

    private static final String BASE = """
            listeners:
              - bind: 127.0.0.1:8080
                routes: [ { pool: web } ]
            pools:
              web: {}
            """;

    // A real secret of "secret" (4096 iterations) and md5("secret" + "bob"), as pg_authid would hold them.
    static final String SCRAM = "SCRAM-SHA-256$4096:Z2F0ZWhvdXNlLXNhbHQxNg==$IYCqiIUUAb+PVoT3ySVcNrhKI2UaBJDroT/k+St5obI="
            + ":bh1H3cmYiUCqSrOP88nZxeTdugJzPIXXCOngRc1lXQY=";
    static final String MD5 = "md521f3163f8f86fa10bdefbfbd502a8f06";

    // Parts of a valid section, for the error cases to vary one at a time.
    private static final String L = "listeners: [ { bind: 127.0.0.1:6432 } ]";
    private static final String S = "servers: { main: { address: 127.0.0.1:5432, max_connections: 10 } }";
    private static final String P = "pools: { app: { server: main } }";
    private static final String U = "users: { alice: { password: secret } }";

    private static GatehouseConfig parse(String databases) throws ConfigException {
        return ConfigLoader.parse(BASE + databases, Map.of("ALICE_PASSWORD", "from-env")::get);
    }

    private static DatabasesConfig databases(String section) throws ConfigException {
        return parse("databases:\n" + section.indent(2)).databases();
    }

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e).as("errors for:\n%s", yaml).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    /** Flow-style sections: {@code section(L, S, P)} is {@code databases: { listeners: ..., servers: ..., pools: ... }}. */
    private static String section(String... parts) {
        return "databases: { " + String.join(", ", parts) + " }\n";
    }

    @Test
    void everyKey_isReadIntoTheRecords() throws ConfigException {
        DatabasesConfig d = databases("""
                listeners:
                  - { bind: 0.0.0.0:6432, max_clients: 500 }
                  - bind: "[::1]:6433"
                servers:
                  main: { address: 10.0.0.5:5432, max_connections: 80, connect_timeout: 2s }
                  reports: { address: db2.internal:5433, max_connections: 20 }
                pools:
                  app:
                    server: main
                    database: app_production
                    mode: session
                    min_connections: 5
                    max_connections: 40
                    wait_timeout: 5s
                  analytics: { server: reports, session_state: reject, min_connections: 2 }
                users:
                  alice: { auth: scram-sha-256, password: "%s", server_password: "${ALICE_PASSWORD}" }
                  bob: { auth: md5, password: %s, server_password: s3cret }
                  carol: { auth: md5, password: plain }
                  "app.user@corp": { password: other }
                auth_query: { query: "SELECT usename, passwd FROM my_shadow($1)", user: carol }
                limits: { max_message_size: 64MiB, startup_timeout: 3s, pause_timeout: 1m }
                """.formatted(SCRAM, MD5));

        assertThat(d.listeners()).containsExactly(
                new DatabaseListenerConfig(new HostPort("0.0.0.0", 6432), 500),
                new DatabaseListenerConfig(new HostPort("::1", 6433), 10_000));
        assertThat(d.servers()).containsExactly(
                Map.entry("main", new DatabaseServerConfig("main", new HostPort("10.0.0.5", 5432), 80, Duration.ofSeconds(2))),
                Map.entry("reports", new DatabaseServerConfig("reports", new HostPort("db2.internal", 5433), 20, Duration.ofSeconds(5))));
        assertThat(d.pools()).containsExactly(
                Map.entry("app", new DatabasePoolConfig("app", "main", "app_production", DatabasePoolConfig.Mode.SESSION, 5, 40,
                        Duration.ofSeconds(5), DatabasePoolConfig.SessionState.PIN)),
                Map.entry("analytics", new DatabasePoolConfig("analytics", "reports", "analytics", DatabasePoolConfig.Mode.TRANSACTION,
                        2, 20, Duration.ofSeconds(30), DatabasePoolConfig.SessionState.REJECT)));
        assertThat(d.users()).containsExactly(
                Map.entry("alice", new DatabaseUserConfig("alice", DatabaseUserConfig.Auth.SCRAM_SHA_256, SCRAM, "from-env")),
                Map.entry("bob", new DatabaseUserConfig("bob", DatabaseUserConfig.Auth.MD5, MD5, "s3cret")),
                Map.entry("carol", new DatabaseUserConfig("carol", DatabaseUserConfig.Auth.MD5, "plain", "plain")),
                Map.entry("app.user@corp", new DatabaseUserConfig("app.user@corp", DatabaseUserConfig.Auth.SCRAM_SHA_256, "other")));
        assertThat(d.users().get("alice").passwordForm()).isEqualTo(DatabaseUserConfig.PasswordForm.SCRAM_SHA_256);
        assertThat(d.users().get("bob").passwordForm()).isEqualTo(DatabaseUserConfig.PasswordForm.MD5);
        assertThat(d.users().get("carol").passwordForm()).isEqualTo(DatabaseUserConfig.PasswordForm.PLAINTEXT);
        assertThat(d.authQuery()).isEqualTo(new DatabaseAuthQueryConfig("SELECT usename, passwd FROM my_shadow($1)", "carol"));
        assertThat(d.limits()).isEqualTo(new DatabaseLimitsConfig(64 << 20, Duration.ofSeconds(3), Duration.ofMinutes(1)));
        assertThat(d.enabled()).isTrue();
    }

    @Test
    void listenerTls_isReadAsAnHttpListenersIs() throws ConfigException {
        DatabasesConfig d = databases("""
                listeners: [ { bind: 127.0.0.1:6432, tls: { certificates: [ { cert: /etc/db.crt, key: /etc/db.key } ] } } ]
                servers: { main: { address: 127.0.0.1:5432, max_connections: 80 } }
                pools: { app: { server: main } }
                users: { alice: { password: secret } }
                """);

        TlsConfig tls = d.listeners().get(0).tls();
        assertThat(tls).isNotNull();
        assertThat(tls.certificates().get(0).cert()).isEqualTo("/etc/db.crt");
        assertThatThrownBy(() -> databases("""
                listeners: [ { bind: 127.0.0.1:6432, tls: { certificates: [], bogus: 1 } } ]
                servers: { main: { address: 127.0.0.1:5432, max_connections: 80 } }
                pools: { app: { server: main } }
                users: { alice: { password: secret } }
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("databases.listeners[0].tls.bogus");
    }

    @Test
    void theLeastSection_takesEveryDefault() throws ConfigException {
        DatabasesConfig d = databases("""
                listeners: [ { bind: 127.0.0.1:6432 } ]
                servers: { main: { address: 127.0.0.1:5432, max_connections: 80 } }
                pools: { app: { server: main } }
                users: { alice: { password: secret } }
                """);

        assertThat(d.listeners()).containsExactly(new DatabaseListenerConfig(new HostPort("127.0.0.1", 6432)));
        assertThat(d.servers().get("main").connectTimeout()).isEqualTo(DatabaseServerConfig.DEFAULT_CONNECT_TIMEOUT);
        // The pool's database is its name; its max is the server's whole budget.
        assertThat(d.pools().get("app")).isEqualTo(new DatabasePoolConfig("app", "main", "app", DatabasePoolConfig.Mode.TRANSACTION,
                0, 80, Duration.ofSeconds(30), DatabasePoolConfig.SessionState.PIN));
        assertThat(d.users().get("alice")).isEqualTo(new DatabaseUserConfig("alice", DatabaseUserConfig.Auth.SCRAM_SHA_256, "secret",
                "secret"));
        assertThat(d.authQuery()).isNull();
        assertThat(d.limits()).isEqualTo(DatabaseLimitsConfig.DEFAULTS);
        assertThat(d.limits()).isEqualTo(new DatabaseLimitsConfig(1 << 20, Duration.ofSeconds(10), Duration.ofSeconds(30)));
        assertThat(databases("""
                listeners: [ { bind: 127.0.0.1:6432 } ]
                users: { alice: { password: secret } }
                auth_query: { user: alice }
                """).authQuery()).isEqualTo(new DatabaseAuthQueryConfig(DatabaseAuthQueryConfig.DEFAULT_QUERY, "alice"));
    }

    @Test
    void noSection_isNoFrontDoor() throws ConfigException {
        assertThat(parse("").databases()).isSameAs(DatabasesConfig.NONE);
        assertThat(parse("databases:\n").databases()).isSameAs(DatabasesConfig.NONE);
        assertThat(parse("databases: {}\n").databases()).isEqualTo(DatabasesConfig.NONE);
        assertThat(DatabasesConfig.NONE.enabled()).isFalse();
        assertThat(DatabasesConfig.NONE.listeners()).isEmpty();
        assertThat(DatabasesConfig.NONE.servers()).isEmpty();
        assertThat(DatabasesConfig.NONE.pools()).isEmpty();
        assertThat(DatabasesConfig.NONE.users()).isEmpty();
    }

    @Test
    void entriesWithNoValue_areEmptyMaps() throws ConfigException {
        DatabasesConfig d = databases("""
                listeners: [ { bind: 127.0.0.1:6432 } ]
                users:
                  dev: { auth: trust }
                  ops:
                """.replace("ops:", "ops: { auth: trust }"));
        assertThat(d.users().get("dev")).isEqualTo(new DatabaseUserConfig("dev", DatabaseUserConfig.Auth.TRUST, null, null));
        assertThat(errors(section(L, "users: { alice: }"))).containsExactly(
                "databases.users.alice.password: missing (expected: the user's password or its stored secret, for auth scram-sha-256)");
    }

    @Test
    void trust_onLoopbackListenersOnly() throws ConfigException {
        for (String bind : List.of("127.0.0.1:6432", "localhost:6432", "\"[::1]:6432\"", "127.9.9.9:0")) {
            DatabasesConfig d = databases("""
                    listeners: [ { bind: %s } ]
                    users: { dev: { auth: trust } }
                    """.formatted(bind));
            assertThat(d.users().get("dev").auth()).as(bind).isEqualTo(DatabaseUserConfig.Auth.TRUST);
        }
        assertThat(errors(section("listeners: [ { bind: 127.0.0.1:6432 }, { bind: 10.0.0.1:6432 } ]",
                "users: { dev: { auth: trust }, alice: { password: x } }"))).containsExactly(
                "databases.users.dev.auth: \"trust\" (expected: scram-sha-256 or md5, since databases.listeners[1] binds 10.0.0.1:6432,"
                        + " which is not a loopback address: trust would let anyone who reaches it in as dev without a password)");
    }

    static Stream<Arguments> badSections() {
        return Stream.of(
                Arguments.of(section(L, S, "pools: { app: { server: nope } }"),
                        "databases.pools.app.server", "\"nope\" (expected one of: main)"),
                Arguments.of(section(L, "pools: { app: { server: main } }"),
                        "databases.pools.app.server", "\"main\" (expected: a server declared under databases.servers; there are none)"),
                Arguments.of(section(L, S, "pools: { app: { max_connections: 5 } }"),
                        "databases.pools.app.server", "missing (expected: the name of a server under databases.servers)"),
                Arguments.of(section(L, S, "pools: { a: { server: main, min_connections: 6 }, b: { server: main, min_connections: 5 } }"),
                        "databases.servers.main.max_connections",
                        "10 (expected: at least 11, the sum of min_connections of the pools on server main: a 6, b 5)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, max_connections: 20 } }"),
                        "databases.pools.app.max_connections", "20 (expected: at most 10, the max_connections of server main)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, min_connections: 5, max_connections: 3 } }"),
                        "databases.pools.app.min_connections", "5 (expected: 0 to the pool's max_connections, 3)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, min_connections: 11 } }"),
                        "databases.pools.app.min_connections", "11 (expected: 0 to the pool's max_connections, 10)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, max_connections: 0 } }"),
                        "databases.pools.app.max_connections", "0 (expected: an integer 1-100000)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, size: 5 } }"),
                        "databases.pools.app.size", "unknown field \"size\" (expected one of: server, database, mode, min_connections,"
                                + " max_connections, wait_timeout, session_state)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, mode: statement } }"),
                        "databases.pools.app.mode", "\"statement\" (expected one of: transaction, session)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, mode: session, session_state: reject } }"),
                        "databases.pools.app.session_state", "set with mode session (expected: only with mode transaction)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, session_state: keep } }"),
                        "databases.pools.app.session_state", "\"keep\" (expected one of: pin, reject)"),
                Arguments.of(section(L, S, "pools: { app: { server: main, wait_timeout: 10x } }"),
                        "databases.pools.app.wait_timeout", "\"10x\" (expected: " + Units.DURATION_EXPECTED + ")"),
                Arguments.of(section(L, S, "pools: { app: { server: main, database: \"a b\" } }"),
                        "databases.pools.app.database", "\"a b\" (expected: a database name of 1-63 letters, digits, _ . - @ or $,"
                                + " starting with a letter, a digit or _)"),
                Arguments.of(section(L, S, "pools: { \"-app\": { server: main } }"),
                        "databases.pools.-app", "\"-app\" (expected: a database name of 1-63 letters, digits, _ . - @ or $,"
                                + " starting with a letter, a digit or _)"),
                Arguments.of(section(L, S, "pools: [ app ]"),
                        "databases.pools", "a list (expected: a map of database names to databases)"),
                Arguments.of(section(S, P),
                        "databases.listeners", "missing (expected: at least one listener when servers or pools are given)"),
                Arguments.of(section("listeners: []", S),
                        "databases.listeners", "[] (expected: at least one listener when servers or pools are given)"),
                Arguments.of(section("listeners: [ { max_clients: 5 } ]"),
                        "databases.listeners[0].bind", "missing (expected: host:port, such as 127.0.0.1:6432)"),
                Arguments.of(section("listeners: [ { bind: 127.0.0.1:6432, max_clients: 0 } ]"),
                        "databases.listeners[0].max_clients", "0 (expected: an integer 1-1000000)"),
                Arguments.of(section("listeners: [ { bind: 127.0.0.1:6432 }, { bind: 127.0.0.1:6432 } ]"),
                        "databases.listeners[1].bind",
                        "\"127.0.0.1:6432\" (expected: an address not already bound by databases.listeners[0])"),
                Arguments.of(section("listeners: [ { bind: \"127.0.0.1:99999\" } ]"),
                        "databases.listeners[0].bind", "\"127.0.0.1:99999\" (expected: port 0-65535)"),
                Arguments.of(section("listeners: [ { bind: 127.0.0.1:8080 } ]"),
                        "databases.listeners[0].bind", "\"127.0.0.1:8080\" (expected: an address not already bound by listeners[0])"),
                Arguments.of(section("listeners: [ { bind: 127.0.0.1:9090 } ]"),
                        "databases.listeners[0].bind", "\"127.0.0.1:9090\" (expected: an address not already bound by admin.bind)"),
                Arguments.of(section(L, "servers: { main: { max_connections: 10 } }"),
                        "databases.servers.main.address", "missing (expected: the server's host:port, such as 127.0.0.1:5432)"),
                Arguments.of(section(L, "servers: { main: { address: 127.0.0.1:5432 } }"),
                        "databases.servers.main.max_connections",
                        "missing (expected: the most connections to open to this server, over all its pools, 1-100000)"),
                Arguments.of(section(L, "servers: { main: { address: 127.0.0.1:5432, max_connections: 100001 } }"),
                        "databases.servers.main.max_connections", "100001 (expected: an integer 1-100000)"),
                Arguments.of(section(L, "servers: { main: { address: 127.0.0.1:5432, max_connections: 5, connect_timeout: 0s } }"),
                        "databases.servers.main.connect_timeout", "\"0s\" (expected: " + Units.DURATION_EXPECTED + ")"),
                Arguments.of(section(L, "servers: { Main: { address: 127.0.0.1:5432, max_connections: 5 } }"),
                        "databases.servers.Main", "\"Main\" (expected: a server name of 1-63 lowercase letters, digits, _ or -,"
                                + " starting with a letter or digit)"),
                Arguments.of(section(L, "users: { alice: { auth: ldap } }"),
                        "databases.users.alice.auth", "\"ldap\" (expected one of: scram-sha-256, md5, trust)"),
                Arguments.of(section(L, "users: { alice: { auth: md5 } }"),
                        "databases.users.alice.password", "missing (expected: the user's password or its stored secret, for auth md5)"),
                Arguments.of(section(L, "users: { \"al ice\": { password: x } }"),
                        "databases.users[\"al ice\"]", "\"al ice\" (expected: a user name of 1-63 letters, digits, _ . - @ or $,"
                                + " starting with a letter, a digit or _)"),
                Arguments.of(section(L, "users: { alice: { password: \"SCRAM-SHA-256$4096:c2FsdA==$short:key\" } }"),
                        "databases.users.alice.password", "a value starting with SCRAM-SHA-256$ that is not a SCRAM secret (expected:"
                                + " SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> in base64, as pg_authid holds it)"),
                Arguments.of(section(L, "users: { alice: { auth: md5, password: md5ABC123 } }"),
                        "databases.users.alice.password", "a value of md5 and hex digits that is not an md5 hash (expected: md5 and 32"
                                + " lowercase hex digits, as pg_authid holds it)"),
                Arguments.of(section(L, "users: { alice: { auth: md5, password: \"" + SCRAM + "\", server_password: x } }"),
                        "databases.users.alice.password",
                        "a SCRAM secret with auth md5 (expected: auth scram-sha-256 for a SCRAM secret, or the plaintext password)"),
                Arguments.of(section(L, "users: { alice: { password: " + MD5 + ", server_password: x } }"),
                        "databases.users.alice.password",
                        "an md5 hash with auth scram-sha-256 (expected: auth md5 for an md5 hash, or the plaintext password)"),
                Arguments.of(section(L, "users: { alice: { password: \"" + SCRAM + "\" } }"),
                        "databases.users.alice.server_password",
                        "missing (expected: the plaintext password the server knows alice by, since password is a stored secret)"),
                Arguments.of(section(L, "users: { alice: { password: x, server_password: " + MD5 + " } }"),
                        "databases.users.alice.server_password",
                        "a stored secret (expected: the plaintext password: answering the server's SCRAM or md5 challenge needs it)"),
                Arguments.of(section(L, "users: { alice: { password: \"\" } }"),
                        "databases.users.alice.password", "\"\" (expected: a password, or a stored secret)"),
                Arguments.of(section(L, "users: { alice: { password: \"${NOPE}\" } }"),
                        "databases.users.alice.password", "${NOPE} is not set (expected: an environment variable or ${NOPE:-default})"),
                Arguments.of(section(L, "users: { alice: { password: x, role: admin } }"),
                        "databases.users.alice.role", "unknown field \"role\" (expected one of: auth, password, server_password)"),
                Arguments.of(section(L, U, "auth_query: { user: bob }"),
                        "databases.auth_query.user", "\"bob\" (expected one of: alice)"),
                Arguments.of(section(L, "auth_query: { user: bob }"),
                        "databases.auth_query.user", "\"bob\" (expected: a user listed under databases.users; there are none)"),
                Arguments.of(section(L, "users: { dev: { auth: trust } }", "auth_query: { user: dev }"),
                        "databases.auth_query.user", "\"dev\" (expected: a user with a server password, a plaintext password or"
                                + " server_password: its server connection runs the query)"),
                Arguments.of(section(L, U, "auth_query: { query: \"SELECT 1\" }"),
                        "databases.auth_query.user",
                        "missing (expected: a user listed under users, with a server password, whose connection runs the query)"),
                Arguments.of(section(L, U, "auth_query: { query: \"SELECT usename, passwd FROM pg_shadow\", user: alice }"),
                        "databases.auth_query.query", "\"SELECT usename, passwd FROM pg_shadow\" (expected: a query of at most 4096"
                                + " characters with $1 for the user name, such as " + DatabaseAuthQueryConfig.DEFAULT_QUERY + ")"),
                Arguments.of(section(L, "limits: { max_message_size: 512 }"),
                        "databases.limits.max_message_size", "512 (expected: 1 KiB to 1 GiB)"),
                Arguments.of(section(L, "limits: { max_message_size: 2g }"),
                        "databases.limits.max_message_size", "\"2g\" (expected: 1 KiB to 1 GiB)"),
                Arguments.of(section(L, "limits: { startup_timeout: forever }"),
                        "databases.limits.startup_timeout", "\"forever\" (expected: " + Units.DURATION_EXPECTED + ")"),
                Arguments.of(section(L, "limits: { pause_timeout: 25h }"),
                        "databases.limits.pause_timeout", "\"25h\" (expected: " + Units.DURATION_EXPECTED + ")"),
                Arguments.of(section(L, "limits: { idle_timeout: 1m }"),
                        "databases.limits.idle_timeout",
                        "unknown field \"idle_timeout\" (expected one of: max_message_size, startup_timeout, pause_timeout)"),
                Arguments.of(section(L, "backends: {}"),
                        "databases.backends", "unknown field \"backends\" (expected one of: listeners, servers, pools, users, auth_query,"
                                + " limits)"),
                Arguments.of("databases: true\n",
                        "databases", "true (expected: a map with listeners, servers, pools and users)"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("badSections")
    void aBadSection_isOneErrorWithItsPath(String yaml, String path, String message) {
        assertThat(errors(yaml)).containsExactly(path + ": " + message);
    }

    @Test
    void everyError_isReportedTogether() {
        assertThat(errors(section("listeners: [ { bind: nowhere } ]", S,
                "pools: { app: { server: nope, mode: statement } }", "users: { alice: { auth: ldap } }",
                "limits: { max_message_size: 1 }"))).containsExactly(
                "databases.listeners[0].bind: \"nowhere\" (expected: host:port, or [ipv6]:port)",
                "databases.pools.app.server: \"nope\" (expected one of: main)",
                "databases.pools.app.mode: \"statement\" (expected one of: transaction, session)",
                "databases.users.alice.auth: \"ldap\" (expected one of: scram-sha-256, md5, trust)",
                "databases.limits.max_message_size: 1 (expected: 1 KiB to 1 GiB)");
        // The relations are checked once the parts read cleanly, all of them at once.
        assertThat(errors(section("listeners: [ { bind: 0.0.0.0:6432 } ]", S,
                "pools: { a: { server: main, min_connections: 8 }, b: { server: main, min_connections: 8, max_connections: 12 } }",
                "users: { dev: { auth: trust } }"))).containsExactly(
                "databases.pools.b.max_connections: 12 (expected: at most 10, the max_connections of server main)",
                "databases.servers.main.max_connections: 10 (expected: at least 16, the sum of min_connections of the pools on server"
                        + " main: a 8, b 8)",
                "databases.users.dev.auth: \"trust\" (expected: scram-sha-256 or md5, since databases.listeners[0] binds 0.0.0.0:6432,"
                        + " which is not a loopback address: trust would let anyone who reaches it in as dev without a password)");
    }

    @Test
    void aPoolMayComeBeforeItsServer() throws ConfigException {
        DatabasesConfig d = databases("""
                pools: { app: { server: main, min_connections: 2 } }
                servers: { main: { address: 127.0.0.1:5432, max_connections: 4 } }
                listeners: [ { bind: 127.0.0.1:0 }, { bind: 127.0.0.1:0 } ]
                """);
        assertThat(d.pools().get("app").maxConnections()).isEqualTo(4);
        assertThat(d.listeners()).hasSize(2);
    }

    @Test
    void noPasswordReachesAMessageOrTheRecordsText() throws ConfigException {
        String hidden = "SCRAM-SHA-256$4096:not*base64$x:y";
        List<String> errors = errors(section(L, "users: { alice: { password: \"" + hidden + "\", server_password: " + MD5 + " } }"));
        assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).doesNotContain("not*base64", MD5.substring(3)));
        DatabasesConfig d = databases("""
                listeners: [ { bind: 127.0.0.1:6432 } ]
                users: { alice: { password: topsecret1, server_password: topsecret2 } }
                """);
        assertThat(d.toString()).doesNotContain("topsecret").contains("alice");
        assertThat(d.users().get("alice").toString())
                .isEqualTo("DatabaseUserConfig[name=alice, auth=scram-sha-256, password=plaintext, serverPassword=set]");
    }

    @Test
    void anAgent_hasNoFrontDoor() {
        String agent = """
                pools:
                  web: { strategy: round-robin }
                apps:
                  web: { command: "app --port {port}", instances: 1, ports: { from: 9000, to: 9009 } }
                fleet: { name: web, endpoints: [ "http://10.0.0.5:2379" ], agent: { advertise: 10.0.0.21 } }
                """;
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(agent + section(L), name -> null));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly("databases: a PostgreSQL front door on an agent"
                + " (expected: none; an agent runs apps for the fleet's balancer nodes and serves no clients)");
    }

    @Test
    void theRecords_refuseWhatTheWalkWouldReport() {
        DatabaseServerConfig main = new DatabaseServerConfig("main", new HostPort("127.0.0.1", 5432), 10, Duration.ofSeconds(5));
        DatabasePoolConfig app = new DatabasePoolConfig("app", "main", "app", DatabasePoolConfig.Mode.TRANSACTION, 0, 20,
                Duration.ofSeconds(30), DatabasePoolConfig.SessionState.PIN);
        List<DatabaseListenerConfig> lo = List.of(new DatabaseListenerConfig(new HostPort("127.0.0.1", 6432)));
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new DatabasesConfig(lo, Map.of("main", main),
                Map.of("app", app), Map.of(), null, null))).hasMessage(
                "pools.app.max_connections: 20 (expected: at most 10, the max_connections of server main)");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new DatabasesConfig(lo, Map.of(),
                Map.of("app", app), Map.of(), null, null))).hasMessage(
                "pools.app.server: \"main\" (expected: a server declared under servers; there are none)");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new DatabasesConfig(List.of(), Map.of("main", main),
                Map.of(), Map.of(), null, null))).hasMessageContaining("listeners: []");
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new DatabasesConfig(lo, Map.of("other", main),
                Map.of(), Map.of(), null, null))).hasMessage("servers: \"other\" (expected: the name of its entry, \"main\")");
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> new DatabaseUserConfig("alice", DatabaseUserConfig.Auth.TRUST, SCRAM))).hasMessageStartingWith("password: a SCRAM");
        assertThat(new DatabasesConfig(lo, Map.of(), Map.of(), Map.of(), null, null).limits()).isEqualTo(DatabaseLimitsConfig.DEFAULTS);
    }

    @Test
    void gatehouseConfig_keepsTheSection_andOlderConstructorsHaveNone() throws ConfigException {
        GatehouseConfig c = parse(section(L, S, P, U));
        assertThat(c.databases().enabled()).isTrue();
        assertThat(c.withPools(Map.of("web", c.pools().get("web"))).databases()).isEqualTo(c.databases());
        GatehouseConfig old = new GatehouseConfig(c.listeners(), c.pools(), c.timeouts(), c.limits(), c.upstream(), c.forwarding(),
                c.accessLog(), c.admin(), c.apps(), c.fleet(), c.dns(), c.bodies(), c.tracing());
        assertThat(old.databases()).isSameAs(DatabasesConfig.NONE);
    }

    /** Each YAML example under "## databases" in docs/configuration.md loads, added to a small HTTP config. */
    @Test
    void theDocsExamples_load() throws IOException, ConfigException {
        String doc = Files.readString(Path.of("../docs/configuration.md"));
        int start = doc.indexOf("\n## databases\n");
        assertThat(start).as("a databases section in docs/configuration.md").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        List<String> blocks = new ArrayList<>();
        for (int at = section.indexOf("```yaml\n"); at >= 0; at = section.indexOf("```yaml\n", at + 1)) {
            blocks.add(section.substring(at + 8, section.indexOf("```", at + 8)));
        }
        assertThat(blocks).as("YAML examples in the databases section").isNotEmpty();
        Map<String, String> env = Map.of("APP_DB_PASSWORD", "app-secret", "AUTH_PASSWORD", "auth-secret");
        for (String block : blocks) {
            assertThat(ConfigLoader.parse(BASE + block, env::get).databases().enabled()).as(block).isTrue();
        }
    }
}
