package dev.gatehouse.server.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubDnsServer;
import dev.gatehouse.testing.StubDnsServer.Srv;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool that follows DNS: a node asks a real (in-test) DNS server over UDP for the pool's names,
 * routes to what they resolve to, follows each change of the records within their TTL, keeps its
 * backends when the server stops answering, and lets them go only once the name has said it has
 * none for {@code hold_empty}.
 */
final class DnsDiscoveryIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private StubDnsServer dns;
    private GatehouseServer node;

    @BeforeEach
    void startDns() {
        dns = StubDnsServer.start();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.stop(Duration.ZERO);
        }
        dns.close();
    }

    private GatehouseServer start(String discover) throws Exception {
        return start(discover, "\"127.0.0.1:" + dns.port() + "\"");
    }

    private GatehouseServer start(String discover, String servers) throws Exception {
        GatehouseConfig config = ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { path_prefix: /, pool: web } ]
                pools:
                  web:
                    strategy: round-robin
                    discover:
                %s
                dns: { servers: [ %s ], timeout: 300ms, min_ttl: 200ms, hold_empty: 1s }
                """.formatted(discover, servers), name -> null);
        node = GatehouseServer.start(config);
        return node;
    }

    /** The backends that answer {@code n} requests. */
    private Set<String> answering(int n) {
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            RawHttpResponse r = RawHttpResponse.get(node.port(), "/x");
            names.add(r.status() == 200 ? r.header(StubBackend.BACKEND_HEADER) : "status " + r.status());
        }
        return names;
    }

    private Set<String> members() {
        Set<String> out = new TreeSet<>();
        node.snapshots().current().pool("web").members().forEach(m -> out.add(m.backend().address() + " " + m.backend().version()
                + " w" + m.backend().weight()));
        return out;
    }

    @Test
    void srvRecords_areThePoolsBackends_andEveryChangeIsFollowedWithinItsTtl() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b"); StubBackend c = StubBackend.start("c")) {
            dns.addresses("app.test", 1, "127.0.0.1");
            dns.srv("_http._tcp.web.test", 1, new Srv(10, 5, a.port(), "app.test"), new Srv(10, 1, b.port(), "app.test"),
                    // A lower priority (a higher number): a fallback, not a backend while priority 10 has any.
                    new Srv(20, 1, c.port(), "app.test"));
            start("      - { srv: _http._tcp.web.test, version: v1 }");

            // Resolved before the node serves.
            assertThat(members()).containsExactlyInAnyOrder("127.0.0.1:" + a.port() + " v1 w5", "127.0.0.1:" + b.port() + " v1 w1");
            assertThat(answering(12)).containsExactly("a", "b");

            dns.srv("_http._tcp.web.test", 1, new Srv(10, 1, b.port(), "app.test"), new Srv(10, 1, c.port(), "app.test"));
            await().atMost(WAIT).until(() -> members().equals(Set.of("127.0.0.1:" + b.port() + " v1 w1",
                    "127.0.0.1:" + c.port() + " v1 w1")));
            assertThat(answering(12)).containsExactly("b", "c");
        }
    }

    @Test
    void aServerThatStopsAnswering_leavesTheBackends_andANameGoneEmptiesThePoolOnlyAfterHoldEmpty() throws Exception {
        try (StubBackend a = StubBackend.start("a")) {
            dns.addresses("web.test", 1, "127.0.0.1");
            start("      - { name: web.test, port: " + a.port() + " }");
            assertThat(answering(4)).containsExactly("a");

            dns.mode(StubDnsServer.Mode.SILENT);
            int before = dns.queries("web.test");
            await().atMost(WAIT).until(() -> dns.queries("web.test") >= before + 2);
            assertThat(answering(4)).containsExactly("a");
            dns.mode(StubDnsServer.Mode.SERVFAIL);
            int servfail = dns.queries("web.test");
            await().atMost(WAIT).until(() -> dns.queries("web.test") >= servfail + 2);
            assertThat(answering(4)).containsExactly("a");

            dns.mode(StubDnsServer.Mode.ANSWER);
            dns.remove("web.test");
            long gone = System.nanoTime();
            await().atMost(WAIT).until(() -> members().isEmpty());
            // Not before hold_empty (1 s) of NXDOMAIN answers.
            assertThat(Duration.ofNanos(System.nanoTime() - gone)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(answering(2)).containsExactly("status 503");

            dns.addresses("web.test", 1, "127.0.0.1");
            await().atMost(WAIT).until(() -> members().size() == 1);
            assertThat(answering(4)).containsExactly("a");
        }
    }

    @Test
    void aServerThatDoesNotAnswer_isSkipped_forTheNextInTheList() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubDnsServer second = StubDnsServer.start()) {
            dns.mode(StubDnsServer.Mode.SILENT);
            second.addresses("web.test", 1, "127.0.0.1");
            start("      - { name: web.test, port: " + a.port() + " }",
                    "\"127.0.0.1:" + dns.port() + "\", \"127.0.0.1:" + second.port() + "\"");

            await().atMost(WAIT).until(() -> members().size() == 1);
            assertThat(answering(4)).containsExactly("a");
            assertThat(dns.queries("web.test")).isPositive();
            assertThat(second.queries("web.test")).isPositive();
        }
    }

    @Test
    void srvTargets_comeFromTheAdditionalSection_andAPriorityWithoutAddressesFallsBackToTheNext() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            dns.additional(true);
            dns.addresses("app.test", 1, "127.0.0.1");
            // Priority 0's target has no address: priority 10 serves (RFC 2782's fallback).
            dns.srv("_http._tcp.web.test", 1, new Srv(0, 1, a.port(), "gone.test"), new Srv(10, 1, b.port(), "app.test"));
            start("      - { srv: _http._tcp.web.test }");

            assertThat(members()).containsExactly("127.0.0.1:" + b.port() + " default w1");
            assertThat(answering(4)).containsExactly("b");
            // app.test's address came with the SRV answer: never asked for itself.
            assertThat(dns.queries("app.test")).isZero();
            assertThat(dns.queries("gone.test")).isPositive();
        }
    }
}
