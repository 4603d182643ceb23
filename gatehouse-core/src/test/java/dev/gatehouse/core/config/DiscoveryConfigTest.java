package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.core.discovery.Discovered;
import dev.gatehouse.core.state.PoolRuntime;
import dev.gatehouse.core.state.RuntimeState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pool's {@code discover} names and the {@code dns} section: every field, each bad input with its path, and how found backends join a pool. */
final class DiscoveryConfigTest {

    private static GatehouseConfig parse(String discover, String dns) throws ConfigException {
        return ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { path_prefix: /, pool: web } ]
                pools:
                  web:
                    backends: [ "10.0.0.9:8001" ]
                    discover: %s
                %s
                """.formatted(discover, dns), name -> null);
    }

    private static ConfigError error(String discover, String dns) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(discover, dns));
        assertThat(e).as(discover + " " + dns).isNotNull();
        return e.errors().get(0);
    }

    @Test
    void namesAndServices_withTheirDefaults() throws ConfigException {
        GatehouseConfig c = parse("[ { name: app.internal, port: 8001, weight: 2, version: v3 }, { srv: _http._tcp.app.internal } ]", "");

        assertThat(c.pools().get("web").discover()).containsExactly(
                new DiscoverConfig("app.internal", DiscoverConfig.Kind.ADDRESSES, 8001, 2, "v3"),
                new DiscoverConfig("_http._tcp.app.internal", DiscoverConfig.Kind.SRV, 0, 1, BackendConfig.DEFAULT_VERSION));
        assertThat(c.dns()).isEqualTo(DnsConfig.DEFAULTS);
    }

    @Test
    void theDnsSection() throws ConfigException {
        DnsConfig d = parse("[]", "dns: { servers: [ 10.0.0.2, \"10.0.0.3:5353\", \"[fd00::53]\" ], timeout: 500ms, min_ttl: 2s,"
                + " max_ttl: 1m, hold_empty: 10s }").dns();

        assertThat(d.servers()).containsExactly(new HostPort("10.0.0.2", 53), new HostPort("10.0.0.3", 5353),
                new HostPort("fd00::53", 53));
        assertThat(d.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.minTtl()).isEqualTo(Duration.ofSeconds(2));
        assertThat(d.maxTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(d.holdEmpty()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badInput_isAnErrorWithItsPath() {
        assertThat(error("[ { name: app.internal } ]", "").path()).isEqualTo("pools.web.discover[0].port");
        assertThat(error("[ { name: \"app..internal\", port: 80 } ]", "").path()).isEqualTo("pools.web.discover[0].name");
        assertThat(error("[ { name: a.b, srv: _x._tcp.b, port: 80 } ]", "").message()).contains("both name and srv");
        assertThat(error("[ { port: 80 } ]", "").message()).contains("neither name nor srv");
        assertThat(error("[ { srv: _x._tcp.b, port: 80 } ]", "").path()).isEqualTo("pools.web.discover[0].port");
        assertThat(error("[ { srv: _x._tcp.b, weight: 3 } ]", "").path()).isEqualTo("pools.web.discover[0].weight");
        assertThat(error("[ { name: a.b, port: 80, ttl: 3 } ]", "").path()).isEqualTo("pools.web.discover[0].ttl");
        assertThat(error("[ a.b ]", "").message()).contains("expected: a map with name and port");
        assertThat(error("[]", "dns: { servers: [ ns1.example ] }").path()).isEqualTo("dns.servers[0]");
        assertThat(error("[]", "dns: { min_ttl: 2s, max_ttl: 1s }").path()).isEqualTo("dns.max_ttl");
        assertThat(error("[]", "dns: { min_ttl: 10ms }").path()).isEqualTo("dns.min_ttl");
        assertThat(error("[]", "dns: { retries: 3 }").path()).isEqualTo("dns.retries");
        assertThat(error("[ { name: a.b, port: 80, version: \"v 1\" } ]", "").path()).isEqualTo("pools.web.discover[0].version");
        assertThat(error("[]", "dns: { servers: [ 300.1.1.1 ] }").path()).isEqualTo("dns.servers[0]");
        assertThat(error("[]", "dns: { servers: [ \"[1:2]\" ] }").path()).isEqualTo("dns.servers[0]");
    }

    @Test
    void whatWasSetOnFoundBackends_survivesAStartOrAReload_whileTheyAreNotFound() throws ConfigException {
        GatehouseConfig c = parse("[ { name: app.internal, port: 8001 } ]", "");
        HostPort found = new HostPort("10.0.0.7", 8001);
        HostPort gone = new HostPort("10.0.0.6", 8001);
        RuntimeState state = RuntimeState.EMPTY.with("web", new PoolRuntime(List.of(), List.of(gone),
                List.of(new dev.gatehouse.core.state.BackendOverride(found, null, dev.gatehouse.core.backend.AdminState.MAINT,
                        null))));

        RuntimeState kept = dev.gatehouse.core.state.RuntimeChanges.reconcile(state, c);

        assertThat(kept.pool("web").removed()).containsExactly(gone);
        assertThat(kept.pool("web").override(found)).isNotNull();
        // Without discover, the same changes to undeclared addresses are dropped, as before.
        GatehouseConfig plain = parse("[]", "");
        assertThat(dev.gatehouse.core.state.RuntimeChanges.reconcile(state, plain).pool("web").empty()).isTrue();
    }

    @Test
    void foundBackends_joinAfterTheDeclared_andNeverTwice() throws ConfigException {
        GatehouseConfig c = parse("[ { name: app.internal, port: 8001 } ]", "");
        BackendConfig declared = new BackendConfig(new HostPort("10.0.0.9", 8001), 7, "v1");
        BackendConfig added = new BackendConfig(new HostPort("10.0.0.8", 8001), 1, "v1");
        BackendConfig found = new BackendConfig(new HostPort("10.0.0.7", 8001), 1, "v1");
        RuntimeState state = RuntimeState.EMPTY.with("web", new PoolRuntime(List.of(added), List.of(), List.of()));

        GatehouseConfig applied = Discovered.apply(c, Map.of("web", List.of(declared, added, found)), state);

        assertThat(applied.pools().get("web").backends()).extracting(BackendConfig::address)
                .containsExactly(new HostPort("10.0.0.9", 8001), new HostPort("10.0.0.7", 8001));
        assertThat(applied.pools().get("web").backends().get(0).weight()).isEqualTo(1);
        assertThat(Discovered.apply(c, Map.of(), state)).isSameAs(c);
    }
}
