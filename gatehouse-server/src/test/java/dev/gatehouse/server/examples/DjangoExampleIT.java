package dev.gatehouse.server.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.testing.FreePorts;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Django example ({@code examples/django}: the project, its release.sh and its gatehouse.yaml,
 * used as they are) behind a real node that runs it with gunicorn sync workers, with a real
 * PostgreSQL for the sessions. Static files come from the node, out of the live release's
 * collectstatic output; a strict deploy of a release whose stylesheet changed keeps every session
 * (the visits each counted go on after it), fails no request, and switches the pages and the
 * assets together.
 *
 * <p>Needs Debian's python3-django, gunicorn, python3-psycopg2 and postgresql; fails (not skips)
 * without them, since .ci/run and bin/test install them.
 */
final class DjangoExampleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STYLESHEET = Pattern.compile("href=\"(/static/site\\.[0-9a-f]{12}\\.css)\"");
    private static final Pattern SESSION_COOKIE = Pattern.compile("^(sessionid=[a-z0-9]+);");
    private static final int SESSIONS = 3;

    /** The sessions' database; the fixture fails naming Debian's postgresql when it is missing. */
    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder().database("gatehouse_example", "postgres"));

    @TempDir
    Path dir;

    @BeforeAll
    static void debianPackagesAreInstalled() {
        DebianTools.requirePythonModule("django", "python3-django");
        DebianTools.requirePythonModule("gunicorn", "gunicorn");
        DebianTools.requirePythonModule("psycopg2", "python3-psycopg2");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void strictDeploy_keepsTheDatabaseSessions_switchesTheStaticFilesTheNodeServes_andNoRequestFails() throws Exception {
        Path example = DebianTools.exampleDir("django");
        PostgresCluster pg = postgres.cluster();
        int from = FreePorts.range(8);
        Map<String, String> env = Map.of("EXAMPLE_LISTEN", "127.0.0.1:0", "EXAMPLE_ADMIN", "127.0.0.1:0",
                "EXAMPLE_RELEASES", dir.resolve("releases").toString(), "EXAMPLE_INSTANCES", "2",
                "EXAMPLE_PORTS_FROM", Integer.toString(from), "EXAMPLE_PORTS_TO", Integer.toString(from + 7),
                "EXAMPLE_LOGS", dir.resolve("logs").toString(), "EXAMPLE_STATE_FILE", dir.resolve("state.json").toString(),
                "DJANGO_SECRET_KEY", "a-secret-key-shared-by-every-version",
                "PGPORT", Integer.toString(pg.port()));
        release(example, env, "v1", example);

        try (ExampleNode node = ExampleNode.start(example, env)) {
            node.deploy("v1", "fast", Duration.ofSeconds(60));
            int port = node.port();
            assertThat(node.adminGet("/api/v1/pools/web").get("backends")).hasSize(2)
                    .allSatisfy(b -> assertThat(b.get("limit").asInt()).as("gunicorn --workers 2").isEqualTo(2));

            // A page makes a session (a row in PostgreSQL) and names the release's stylesheet.
            List<String> cookies = new ArrayList<>();
            String v1Css = null;
            for (int i = 0; i < SESSIONS; i++) {
                RawHttpResponse page = RawHttpResponse.get(port, "/");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.header("X-App-Version")).isEqualTo("v1");
                assertThat(page.bodyText()).contains("Visits in this session: <span id=\"visits\">1</span>");
                Matcher cookie = SESSION_COOKIE.matcher(page.header("Set-Cookie"));
                assertThat(cookie.find()).as("Set-Cookie: %s", page.header("Set-Cookie")).isTrue();
                cookies.add(cookie.group(1));
                v1Css = stylesheet(page);
            }
            assertServedByTheNode(port, v1Css, Files.readString(example.resolve("static/site.css")));
            // The plain name is there too, with the route's max_age instead of a year.
            RawHttpResponse plain = RawHttpResponse.get(port, "/static/site.css");
            assertThat(plain.status()).isEqualTo(200);
            assertThat(plain.header("Cache-Control")).isEqualTo("public, max-age=600");
            // A name no file has goes to Django, which serves no static files: its 404.
            RawHttpResponse missing = RawHttpResponse.get(port, "/static/missing.css");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.header("X-App-Version")).isEqualTo("v1");
            // A path that tries to leave the release's directory never reaches a file or Django.
            assertThat(RawHttpResponse.get(port, "/static/%2e%2e/app/mysite/settings.py").status()).isEqualTo(400);

            // v2: the same project with a changed stylesheet, released while v1 serves.
            Path v2Source = dir.resolve("v2-source");
            copyProject(example, v2Source);
            String v2Style = Files.readString(v2Source.resolve("static/site.css")) + "h1 { color: #6b2fa3; }\n";
            Files.writeString(v2Source.resolve("static/site.css"), v2Style, StandardOpenOption.TRUNCATE_EXISTING);

            List<SessionLoad> loads = new ArrayList<>();
            try {
                for (String cookie : cookies) {
                    // One client per session: Django saves a session whole, so two requests of
                    // one session at once would lose each other's count.
                    loads.add(SessionLoad.start(port, "/api/visits/", cookie, 1));
                }
                loads.forEach(l -> l.awaitFinished(10));
                release(example, env, "v2", v2Source);
                node.deploy("v2", "strict", Duration.ofSeconds(60));
                long deployEnded = System.nanoTime();
                loads.forEach(l -> l.awaitFinished(l.finished() + 10));

                for (int i = 0; i < SESSIONS; i++) {
                    SessionLoad load = loads.get(i);
                    List<SessionLoad.Answer> answers = load.stop();
                    assertThat(load.failures()).as("requests of session %d that failed during the deploy", i).isEmpty();
                    assertThat(answers).extracting(SessionLoad.Answer::version).containsOnly("v1", "v2").contains("v1", "v2");
                    long lastV1Sent = answers.stream().filter(a -> a.version().equals("v1"))
                            .mapToLong(SessionLoad.Answer::sent).max().orElse(Long.MIN_VALUE);
                    long firstV2Read = answers.stream().filter(a -> a.version().equals("v2"))
                            .mapToLong(SessionLoad.Answer::read).min().orElseThrow();
                    assertThat(lastV1Sent).as("strict: no v1 request sent after a v2 answer").isLessThan(firstV2Read);
                    assertThat(answers).filteredOn(a -> a.sent() > deployEnded).extracting(SessionLoad.Answer::version)
                            .containsOnly("v2");
                    // The session made on v1 counted every visit, before, during and after the deploy.
                    JsonNode last = visits(port, cookies.get(i));
                    assertThat(last.get("version").asText()).isEqualTo("v2");
                    assertThat(last.get("visits").asInt()).isEqualTo(1 + answers.size() + 1);
                }
            } finally {
                loads.forEach(SessionLoad::close);
            }

            // The pages and the assets switched together: v2's page names v2's stylesheet,
            // which the node serves from v2's release; v1's name is no file any more.
            RawHttpResponse page = get(port, "/", cookies.get(0));
            assertThat(page.header("X-App-Version")).isEqualTo("v2");
            String v2Css = stylesheet(page);
            assertThat(v2Css).isNotEqualTo(v1Css);
            assertServedByTheNode(port, v2Css, v2Style);
            assertThat(RawHttpResponse.get(port, v1Css).status()).isEqualTo(404);
        }
    }

    /** Runs the example's release.sh for {@code version} from {@code source}; fails unless it succeeds. */
    private void release(Path example, Map<String, String> env, String version, Path source)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", example.resolve("release.sh").toString(), version)
                .redirectErrorStream(true).redirectOutput(dir.resolve("release-" + version + ".log").toFile());
        Map<String, String> processEnv = pb.environment();
        processEnv.putAll(env);
        processEnv.put("EXAMPLE_SOURCE", source.toString());
        Process p = pb.start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String log = Files.readString(dir.resolve("release-" + version + ".log"));
        assertThat(ended && p.exitValue() == 0).as("release.sh %s: %s", version, log).isTrue();
        assertThat(dir.resolve("releases").resolve(version).resolve("static/staticfiles.json")).isRegularFile();
    }

    private static void copyProject(Path from, Path to) throws IOException {
        Map<Path, Path> pairs = new HashMap<>();
        for (String part : List.of("manage.py", "mysite", "templates", "static")) {
            pairs.put(from.resolve(part), to.resolve(part));
        }
        for (Map.Entry<Path, Path> pair : pairs.entrySet()) {
            try (var files = Files.walk(pair.getKey())) {
                for (Path f : files.filter(f -> !f.toString().contains("__pycache__")).toList()) {
                    Path target = pair.getValue().resolve(pair.getKey().relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(f, target);
                    }
                }
            }
        }
    }

    /** The node answered the stylesheet from the files, as static files: no app header, a year's cache. */
    private static void assertServedByTheNode(int port, String path, String content) {
        RawHttpResponse css = RawHttpResponse.get(port, path);
        assertThat(css.status()).as("GET %s", path).isEqualTo(200);
        assertThat(css.bodyText()).isEqualTo(content);
        assertThat(css.header("Content-Type")).startsWith("text/css");
        assertThat(css.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(css.header("ETag")).isNotNull();
        // Every response Django makes has X-App-Version (the example's middleware): this one did not come from it.
        assertThat(css.header("X-App-Version")).isNull();
    }

    private static String stylesheet(RawHttpResponse page) {
        Matcher m = STYLESHEET.matcher(page.bodyText());
        assertThat(m.find()).as("a fingerprinted stylesheet in %s", page.bodyText()).isTrue();
        return m.group(1);
    }

    private static RawHttpResponse get(int port, String path, String cookie) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            RawHttpResponse r = client.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "\r\n\r\n")
                    .readResponse();
            assertThat(r.status()).as("GET %s: %s", path, r.bodyText()).isEqualTo(200);
            return r;
        }
    }

    private static JsonNode visits(int port, String cookie) throws IOException {
        return JSON.readTree(get(port, "/api/visits/", cookie).body());
    }

}
