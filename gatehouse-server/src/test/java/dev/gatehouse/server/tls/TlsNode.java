package dev.gatehouse.server.tls;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.server.GatehouseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A node started from a YAML file in a test's directory, so that reloads read the file again. */
final class TlsNode implements AutoCloseable {

    final Path config;
    final GatehouseServer server;

    private TlsNode(Path config, GatehouseServer server) {
        this.config = config;
        this.server = server;
    }

    /** Starts a node with one listener on 127.0.0.1:0 with this {@code tls} section, in front of {@code backend}. */
    static TlsNode start(Path dir, String backend, String tls) throws Exception {
        Path config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, yaml(backend, tls));
        return new TlsNode(config, GatehouseServer.start(ConfigLoader.load(config), StateStore.NONE,
                () -> ConfigLoader.load(config)));
    }

    /** Starts a node from a whole config file's text. */
    static TlsNode startYaml(Path dir, String yaml) throws Exception {
        Path config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, yaml);
        return new TlsNode(config, GatehouseServer.start(ConfigLoader.load(config), StateStore.NONE,
                () -> ConfigLoader.load(config)));
    }

    static String yaml(String backend, String tls) {
        return """
                listeners:
                  - bind: 127.0.0.1:0
                    tls:
                %s
                    routes:
                      - pool: web
                pools:
                  web:
                    backends: [ "%s" ]
                admin: false
                """.formatted(tls.indent(6).stripTrailing(), backend);
    }

    int port() {
        return server.port();
    }

    /** Reloads the config file as SIGHUP and the admin API do. */
    void reload() throws Exception {
        server.control().reload(ConfigLoader.load(config), "test");
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }
}
