package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code apps} section: supervised processes, their command template, ports, env and restarts. */
final class AppConfigTest {

    private static Map<String, AppConfig> apps(String body) throws ConfigException {
        String yaml = """
                listeners:
                  - bind: 127.0.0.1:8080
                    routes: [ { pool: web } ]
                pools:
                  web: {}
                apps:
                """ + body.indent(2);
        return ConfigLoader.parse(yaml, Map.of("DB", "postgres://db/app")::get).apps();
    }

    private static List<String> errors(String body) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> apps(body));
        assertThat(e).as("errors for:\n%s", body).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void everyKey_isRead() throws Exception {
        Map<String, AppConfig> apps = apps("""
                web:
                  command: python3 app.py --port {port} --db ${DB}
                  instances: 4
                  ports: { from: 8001, to: 8099 }
                  workdir: ./app
                  env: { APP_ENV: production, WORKER: "{version}-{instance}" }
                  stop_grace: 20s
                  restart: { backoff: 500ms, max_backoff: 1m, reset_after: 2m }
                  logs: /var/log/web
                """);

        assertThat(apps).containsOnlyKeys("web");
        assertThat(apps.get("web")).isEqualTo(new AppConfig("web",
                CommandTemplate.parse("python3 app.py --port {port} --db postgres://db/app"), 4, new PortRange(8001, 8099),
                "./app", Map.of("APP_ENV", "production", "WORKER", "{version}-{instance}"), Duration.ofSeconds(20),
                new RestartConfig(Duration.ofMillis(500), Duration.ofMinutes(1), Duration.ofMinutes(2)), "/var/log/web"));
    }

    @Test
    void leftOutKeys_takeTheDefaults() throws Exception {
        AppConfig app = apps("""
                api: { command: "./serve {port}", ports: { from: 9000, to: 9001 } }
                """).get("api");

        assertThat(app.instances()).isEqualTo(AppConfig.DEFAULT_INSTANCES);
        assertThat(app.workdir()).isNull();
        assertThat(app.env()).isEmpty();
        assertThat(app.stopGrace()).isEqualTo(AppConfig.DEFAULT_STOP_GRACE);
        assertThat(app.restart()).isEqualTo(RestartConfig.DEFAULTS);
        assertThat(app.logs()).isEqualTo(AppConfig.DEFAULT_LOGS);
    }

    @Test
    void noApps_isAnEmptyMap() throws Exception {
        assertThat(apps("{}")).isEmpty();
        GatehouseConfig withoutSection = ConfigLoader.parse("""
                listeners: [ { bind: 127.0.0.1:8080, routes: [ { pool: web } ] } ]
                pools: { web: {} }
                """, name -> null);
        assertThat(withoutSection.apps()).isEmpty();
    }

    @Test
    void maxBackoffAlone_belowTheDefaultBackoff_lowersIt() throws Exception {
        AppConfig app = apps("""
                web: { command: "a {port}", ports: { from: 8001, to: 8002 }, restart: { max_backoff: 200ms } }
                """).get("web");

        assertThat(app.restart().backoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(app.restart().maxBackoff()).isEqualTo(Duration.ofMillis(200));
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("python3 app.py --port {port}", List.of("python3", "app.py", "--port", "{port}")),
                Arguments.of("  a\tb \n c  ", List.of("a", "b", "c")),
                Arguments.of("run --name \"my app\" --x=\"a b\"c", List.of("run", "--name", "my app", "--x=a bc")),
                Arguments.of("say \"a \\\"quoted\\\" \\\\ word\" \"\"", List.of("say", "a \"quoted\" \\ word", "")),
                Arguments.of("sh -c 'trap \"\" TERM; exec sleep 60'", List.of("sh", "-c", "trap \"\" TERM; exec sleep 60")),
                Arguments.of("a\\ b \\| c", List.of("a b", "|", "c")),
                Arguments.of("python3 -c \"print(1 | 2)\" {port}", List.of("python3", "-c", "print(1 | 2)", "{port}")),
                Arguments.of("app --config '{\"a\": 1}' {port}", List.of("app", "--config", "{\"a\": 1}", "{port}")),
                Arguments.of("a~b x=~ {port}", List.of("a~b", "x=~", "{port}")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void command_isSplitLikeAShellWordList(String text, List<String> words) {
        assertThat(CommandTemplate.parse(text).words()).isEqualTo(words);
    }

    static Stream<Arguments> refusedCommands() {
        return Stream.of(
                Arguments.of("python3 app.py | tee out", "| is a shell feature"),
                Arguments.of("python3 app.py > out.log", "> is a shell feature"),
                Arguments.of("a && b", "& is a shell feature"),
                Arguments.of("a; b", "; is a shell feature"),
                Arguments.of("echo $HOME", "$ is a shell feature"),
                Arguments.of("echo `date`", "` is a shell feature"),
                Arguments.of("~/venv/bin/python app.py", "no shell expands ~"),
                Arguments.of("run \"unclosed", "a closing \""),
                Arguments.of("run 'unclosed", "a closing '"),
                Arguments.of("run \\", "a character after \\"),
                Arguments.of("   ", "a program and its arguments"),
                Arguments.of("app --port {prot}", "{prot} is none of them"));
    }

    @ParameterizedTest
    @MethodSource("refusedCommands")
    void command_withShellSyntaxOrATypo_isRefused(String text, String why) {
        assertThatThrownBy(() -> CommandTemplate.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(Values.quote(text) + " (expected: ").hasMessageContaining(why);
    }

    @Test
    void render_fillsThePlaceholdersOfCommandAndEnv() throws Exception {
        AppConfig app = apps("""
                web:
                  command: 'app --port={port} --name "{version} #{instance}"'
                  ports: { from: 8001, to: 8010 }
                  env: { PORT: "{port}", LABEL: "web-{version}-{instance}", PLAIN: x }
                """).get("web");

        assertThat(app.command().render(8003, "v42", 2)).containsExactly("app", "--port=8003", "--name", "v42 #2");
        assertThat(app.environment(8003, "v42", 2)).containsExactly(
                Map.entry("PORT", "8003"), Map.entry("LABEL", "web-v42-2"), Map.entry("PLAIN", "x"));
    }

    @Test
    void portOnlyInEnv_isEnough() throws Exception {
        assertThat(apps("""
                web: { command: ./serve, ports: { from: 8001, to: 8002 }, env: { PORT: "{port}" } }
                """)).containsKey("web");
    }

    @Test
    void errors_nameTheirPaths() {
        assertThat(errors("""
                Web: { command: "a {port}", ports: { from: 1, to: 2 } }
                web:
                  command: python3 app.py | tee
                  instances: 0
                  ports: { from: 8001 }
                  env: { 1BAD: x, GOOD: "{prot}", EMPTY: }
                  stop_grace: 10x
                  restart: { backoff: 10s, max_backoff: 1s, jitter: 1s }
                  log: ./logs
                api:
                  ports: { from: 9000, to: 8000 }
                worker:
                  command: ./work
                  instances: 3
                  ports: { from: 9100, to: 9105 }
                noop:
                """)).containsExactly(
                "apps.Web: \"Web\" (expected: an app name of 1-63 lowercase letters, digits, _ or -, starting with a letter or digit)",
                "apps.web.command: \"python3 app.py | tee\" (expected: a program and its arguments, run without a shell:"
                        + " | is a shell feature; quote it as \"|\" to pass it as an argument, or run the command with sh -c \"...\")",
                "apps.web.instances: 0 (expected: an integer 1-1000)",
                "apps.web.ports.to: missing (expected: the last port, 1-65535)",
                "apps.web.env.1BAD: \"1BAD\" (expected: a variable name: letters, digits and _, not starting with a digit)",
                "apps.web.env.GOOD: \"{prot}\" (expected: placeholders {port}, {version} and {instance}; {prot} is none of them)",
                "apps.web.env.EMPTY: null (expected: a string; quote it)",
                "apps.web.stop_grace: \"10x\" (expected: a duration from 1ms to 24h, such as 250ms, 10s, 5m or 1h)",
                "apps.web.restart.jitter: unknown field \"jitter\" (expected one of: backoff, max_backoff, reset_after)",
                "apps.web.log: unknown field \"log\" (expected one of: command, instances, ports, workdir, env, stop_grace,"
                        + " restart, logs)",
                "apps.api.ports.to: 8000 (expected: 9000-65535, not below from)",
                "apps.api.command: missing (expected: the command that runs one instance, with {port})",
                "apps.worker.command: \"./work\" (expected: {port} in the command or in an env value, so that each instance"
                        + " listens on its own port)",
                "apps.noop.command: missing (expected: the command that runs one instance, with {port})");
    }

    @Test
    void rangeSmallerThanTwiceInstances_isAnErrorAtPorts() {
        assertThat(errors("""
                web: { command: "a {port}", instances: 3, ports: { from: 8001, to: 8005 } }
                """)).containsExactly("apps.web.ports: 8001-8005 (expected: at least 6 ports, twice instances, since a deploy"
                + " runs the old and the new version side by side; this range has 5)");
    }

    @Test
    void backoffAboveMaxBackoff_isAnErrorAtBackoff() {
        assertThat(errors("""
                web: { command: "a {port}", ports: { from: 8001, to: 8002 }, restart: { backoff: 10s, max_backoff: 1s } }
                """)).containsExactly("apps.web.restart.backoff: 10000ms (expected: at most max_backoff, 1000ms)");
    }

    @Test
    void records_refuseWhatTheWalkRefuses() {
        CommandTemplate c = CommandTemplate.parse("a {port}");
        assertThatThrownBy(() -> new AppConfig("web", c, 0, new PortRange(1, 2), null, Map.of(), Duration.ofSeconds(1),
                RestartConfig.DEFAULTS, "logs")).hasMessage("instances: 0 (expected: 1-1000)");
        assertThatThrownBy(() -> new PortRange(0, 10)).hasMessage("from: 0 (expected: 1-65535)");
        assertThatThrownBy(() -> new RestartConfig(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessage("backoff: 0ms (expected: > 0)");
        assertThatThrownBy(() -> new CommandTemplate("", List.of())).hasMessageStartingWith("command: ");
    }
}
