package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.AdminConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: messages and exit codes. */
final class CliTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void validate_aGoodFile_exitsZeroWithASummary() throws Exception {
        Path file = Files.writeString(dir.resolve("ok.yaml"), """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes:
                      - { path_prefix: /, pool: web }
                pools:
                  web:
                    backends:
                      - { address: 127.0.0.1:8001 }
                      - 127.0.0.1:8002
                """);
        assertThat(run("validate", "--config", file.toString())).isZero();
        assertThat(out.toString()).contains("OK (1 listeners, 1 pools, 2 backends)");
    }

    @Test
    void validate_aBadFile_exitsTwoAndNamesEveryErrorWithItsPath() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), """
                listeners:
                  - bind: 127.0.0.1:99999
                    routes:
                      - { path_prefix: /, pool: missing }
                pools:
                  web:
                    backends:
                      - { address: "localhost:80", weight: 0 }
                timeouts:
                  client_idle: soon
                """);
        assertThat(run("validate", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString())
                .contains("listeners[0].bind")
                .contains("listeners[0].routes[0].pool")
                .contains("pools.web.backends[0].weight")
                .contains("timeouts.client_idle")
                .contains("expected");
    }

    @Test
    void run_withABadFile_exitsTwoBeforeStartingAnything() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "listeners: []\npools: {}\n");
        assertThat(run("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("listeners");
    }

    @Test
    void validate_aMissingFile_exitsTwo() {
        assertThat(run("validate", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nope.yaml");
    }

    @Test
    void unknownOption_exitsTwoWithUsage() {
        assertThat(run("validate", "--conf", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("Usage");
    }

    @Test
    void statePath_defaultsToTheConfigFileWithStateJsonAppended() {
        Path config = dir.resolve("etc/gatehouse.yaml");
        assertThat(RunCommand.statePath(config, AdminConfig.DEFAULTS)).isEqualTo(dir.resolve("etc/gatehouse.yaml.state.json"));
    }

    @Test
    void statePath_aStateFileIsTakenAsWritten() {
        Path config = dir.resolve("etc/gatehouse.yaml");
        assertThat(RunCommand.statePath(config, new AdminConfig(null, null, null, "/var/lib/gatehouse/state.json")))
                .isEqualTo(Path.of("/var/lib/gatehouse/state.json"));
        assertThat(RunCommand.statePath(config, new AdminConfig(null, null, null, "state.json")))
                .isEqualTo(Path.of("state.json").toAbsolutePath());
    }

    @Test
    void stateDirectory_missing_isNamedWithTheSettingThatMovesIt() throws Exception {
        assertThat(RunCommand.unusableStateDirectory(dir.resolve("g.yaml.state.json"))).isNull();
        assertThat(RunCommand.unusableStateDirectory(dir.resolve("nope/state.json")))
                .contains(dir.resolve("nope").toString()).contains("does not exist").contains("admin.state_file");
    }

    @Test
    void run_adminOffLoopbackWithoutAToken_exitsTwoBeforeStartingAnything() throws Exception {
        Path file = Files.writeString(dir.resolve("open.yaml"), """
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { path_prefix: /, pool: web } ]
                admin: { bind: 0.0.0.0:0 }
                pools:
                  web:
                    backends: [ "127.0.0.1:9" ]
                """);
        assertThat(run("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("admin.bind");
    }

    @Test
    void run_aTokenFileThatCannotBeRead_exitsTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("token.yaml"), """
                listeners:
                  - bind: 127.0.0.1:0
                    routes: [ { path_prefix: /, pool: web } ]
                admin: { bind: 127.0.0.1:0, token_file: %s }
                pools:
                  web:
                    backends: [ "127.0.0.1:9" ]
                """.formatted(dir.resolve("missing.token")));
        assertThat(run("run", "--config", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("token_file");
    }

    @Test
    void theExampleConfigs_areValid() {
        Path example = Path.of("..", "examples", "python-app", "gatehouse.yaml");
        assertThat(run("validate", "--config", example.toString())).as(err.toString()).isZero();
    }

    @Test
    void theTornadoExampleConfig_isValid() {
        Path example = Path.of("..", "examples", "tornado-app", "gatehouse.yaml");
        assertThat(run("validate", "--config", example.toString())).as(err.toString()).isZero();
    }
}
