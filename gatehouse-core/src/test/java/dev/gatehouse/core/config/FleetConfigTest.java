package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code fleet} section: defaults, every field, and each kind of bad input with its path. */
final class FleetConfigTest {

    private static GatehouseConfig parse(String fleet) throws ConfigException {
        return ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { path_prefix: /, pool: web } ]
                pools:
                  web: { backends: [ "127.0.0.1:9000" ] }
                %s
                """.formatted(fleet), name -> null);
    }

    private static ConfigError error(String fleet) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(fleet));
        assertThat(e).as(fleet).isNotNull();
        return e.errors().get(0);
    }

    @Test
    void noSection_isANodeOnItsOwn() throws ConfigException {
        assertThat(parse("").fleet()).isNull();
    }

    @Test
    void nameAndEndpoints_withEveryDefault() throws ConfigException {
        FleetConfig f = parse("fleet: { name: web, endpoints: [ \"http://10.0.0.5:2379\", \"http://10.0.0.6:2379\" ] }").fleet();

        assertThat(f.name()).isEqualTo("web");
        assertThat(f.endpoints()).containsExactly("http://10.0.0.5:2379", "http://10.0.0.6:2379");
        assertThat(f.prefix()).isEqualTo("/gatehouse");
        assertThat(f.keyPrefix()).isEqualTo("/gatehouse/fleets/web");
        assertThat(f.user()).isNull();
        assertThat(f.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.node()).isEqualTo(FleetConfig.localNode());
        assertThat(f.staleAfter()).isEqualTo(Duration.ofMillis(1500));
        assertThat(f.heartbeat()).isEqualTo(Duration.ofMillis(500));
        assertThat(f.serveWhenStale()).isEmpty();
    }

    @Test
    void tlsToEtcd_withHttpsEndpoints() throws ConfigException {
        FleetConfig f = parse("fleet: { name: web, endpoints: [ \"https://etcd:2379\" ], tls: { ca_file: ca.pem, cert_file: "
                + "c.pem, key_file: c.key } }").fleet();
        assertThat(f.tls()).isEqualTo(new FleetConfig.Tls("ca.pem", "c.pem", "c.key"));
        assertThat(parse("fleet: { name: web, endpoints: [ \"https://etcd:2379\" ], tls: {} }").fleet().tls())
                .isEqualTo(new FleetConfig.Tls(null, null, null));
        assertThat(parse("fleet: { name: web, endpoints: [ \"http://etcd:2379\" ] }").fleet().tls()).isNull();
    }

    @Test
    void theDefaultNodeName_isTheHostsName_madeValid() {
        assertThat(FleetConfig.defaultNode("Edge-1.Example.COM")).isEqualTo("edge-1-example-com");
        assertThat(FleetConfig.defaultNode("..")).isEqualTo("node");
        assertThat(FleetConfig.defaultNode("x".repeat(80))).hasSize(63);
    }

    @Test
    void everyField() throws ConfigException {
        FleetConfig f = parse("fleet: { name: edge-1, endpoints: [ \"http://etcd:2379\" ], prefix: /lb, user: gh,"
                + " password_file: /etc/gh/etcd, timeout: 500ms, node: lb-3, stale_after: 3s, serve_when_stale: [ web ] }").fleet();

        assertThat(f).isEqualTo(new FleetConfig("edge-1", List.of("http://etcd:2379"), "/lb", "gh", "/etc/gh/etcd", null,
                Duration.ofMillis(500), "lb-3", Duration.ofSeconds(3), List.of("web")));
        assertThat(f.keyPrefix()).isEqualTo("/lb/fleets/edge-1");
    }

    @Test
    void badInput_isAnErrorWithItsPath() {
        assertThat(error("fleet: { endpoints: [ \"http://a:2379\" ] }").path()).isEqualTo("fleet.name");
        assertThat(error("fleet: { name: web }").path()).isEqualTo("fleet.endpoints");
        assertThat(error("fleet: { name: web, endpoints: [] }").message()).contains("at least one etcd client URL");
        assertThat(error("fleet: { name: Web!, endpoints: [ \"http://a:2379\" ] }").message()).contains("1-63 of a-z");
        assertThat(error("fleet: { name: web, endpoints: [ \"a:2379\" ] }").message()).contains("http://host:port");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a\" ] }").message()).contains("http://host:port");
        assertThat(error("fleet: { name: web, endpoints: [ \"https://a:2379\" ] }").message()).contains("give a tls section");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], tls: {} }").message())
                .contains("https://host:port", "every endpoint speaks it");
        ConfigError halfKey = error("fleet: { name: web, endpoints: [ \"https://a:2379\" ], tls: { cert_file: c.pem } }");
        assertThat(halfKey.path() + ": " + halfKey.message()).contains("key_file", "missing", "together");
        assertThat(error("fleet: { name: web, endpoints: [ \"https://a:2379\" ], tls: { ca: x } }").path()).isEqualTo("fleet.tls.ca");
        assertThat(error("fleet: { name: web, endpoints: [ \"https://a:2379\" ], tls: true }").message()).contains("ca_file");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], prefix: lb }").path()).isEqualTo("fleet.prefix");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], user: gh }").path())
                .isEqualTo("fleet.password_file");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], password_env: P }").path()).isEqualTo("fleet.user");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], timeout: 0s }").path()).isEqualTo("fleet.timeout");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], members: 3 }").message())
                .contains("unknown field");
        assertThat(error("fleet: true").message()).contains("a map with name and endpoints");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], node: \"a b\" }").path()).isEqualTo("fleet.node");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], stale_after: 100ms }").message())
                .contains("at least 300ms");
        assertThat(error("fleet: { name: web, endpoints: [ \"http://a:2379\" ], serve_when_stale: [ api ] }").message())
                .contains("fleet.serve_when_stale: \"api\"");
    }

    private static final String AGENT_APPS = """
            apps:
              web: { command: "app --port {port}", instances: 2, ports: { from: 9000, to: 9009 } }
            """;

    private static GatehouseConfig parseAgent(String top, String agent) throws ConfigException {
        return ConfigLoader.parse(top + """
                pools:
                  web: { strategy: round-robin }
                fleet: { name: web, endpoints: [ "http://10.0.0.5:2379" ], agent: %s }
                """.formatted(agent), name -> null);
    }

    private static ConfigError agentError(String top, String agent) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parseAgent(top, agent));
        assertThat(e).as(top + agent).isNotNull();
        return e.errors().get(0);
    }

    @Test
    void anAgent_hasNoListeners_andRunsApps() throws ConfigException {
        GatehouseConfig c = parseAgent(AGENT_APPS, "{ advertise: 10.0.0.21 }");

        assertThat(c.fleet().isAgent()).isTrue();
        assertThat(c.fleet().agent().advertise()).isEqualTo("10.0.0.21");
        assertThat(c.listeners()).isEmpty();
        assertThat(parseAgent(AGENT_APPS, "{ advertise: \"[fd00::21]\" }").fleet().agent().advertise()).isEqualTo("fd00::21");
        assertThat(parse("fleet: { name: web, endpoints: [ \"http://a:2379\" ] }").fleet().isAgent()).isFalse();
    }

    @Test
    void anAgent_badInput_isAnErrorWithItsPath() {
        ConfigError listeners = agentError("""
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { path_prefix: /, pool: web } ]
                """ + AGENT_APPS, "{ advertise: 10.0.0.21 }");
        assertThat(listeners.path()).isEqualTo("listeners");
        assertThat(listeners.message()).contains("serves no clients");
        assertThat(agentError(AGENT_APPS, "{ }").path()).isEqualTo("fleet.agent.advertise");
        assertThat(agentError(AGENT_APPS, "{ advertise: 10.0.0.21, port: 1 }").path()).isEqualTo("fleet.agent.port");
        assertThat(agentError(AGENT_APPS, "{ advertise: \"10.0.0.21:80\" }").path()).isEqualTo("fleet.agent.advertise");
        assertThat(agentError(AGENT_APPS, "{ advertise: \"fd00::21\" }").path()).isEqualTo("fleet.agent.advertise");
        assertThat(agentError(AGENT_APPS, "yes").message()).contains("expected: a map with advertise");
        assertThat(agentError("", "{ advertise: 10.0.0.21 }").message()).contains("none on an agent");
        assertThat(agentError("""
                apps:
                  api: { command: "app --port {port}", instances: 1, ports: { from: 9000, to: 9009 } }
                """, "{ advertise: 10.0.0.21 }").message()).contains("\"api\" has no pool of its name");
    }
}
