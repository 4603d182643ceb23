package dev.gatehouse.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import dev.gatehouse.testing.StubExchange;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard ({@code docs/grafana/gatehouse.json}) names only what a node exports:
 * a node with every kind of metric (pools and backends, a TLS listener, a route cache, a
 * compressing route, a static route) takes some traffic, its admin listener's {@code /metrics} is
 * scraped over HTTP, and every query of the dashboard is held to it: each metric is a series the
 * scrape shows, each label of a matcher, a {@code by (...)} or a legend is one of that metric's
 * labels, and each literal label value a matcher asks for ({@code code="5xx"}) is one the node
 * uses. A renamed metric, label or value fails here. The other way round, every {@code gatehouse_}
 * metric the node exports has a panel, but for the few listed with the reason.
 */
final class GrafanaDashboardIT {

    /**
     * Labels Prometheus adds to every series of a target when it scrapes it: the dashboard's node
     * filter uses them, and a node's own {@code /metrics} cannot show them.
     */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    /** Metric families of the node the dashboard leaves out, each with why. */
    private static final Map<String, String> NOT_ON_THE_DASHBOARD = Map.of(
            "gatehouse_request_duration_quantiles_seconds",
            "quantiles computed on the node, for a look with curl: they cannot be aggregated, the panels use the histogram",
            "gatehouse_request_duration_quantiles_seconds_max",
            "the same as gatehouse_request_duration_seconds_max, which the dashboard shows");

    /** A matcher value that is a list of literal values: {@code 5xx}, {@code hit|stale}. */
    private static final Pattern LITERALS = Pattern.compile("[A-Za-z0-9_.:-]+(\\|[A-Za-z0-9_.:-]+)*");
    /** A label in a legend template: {@code {{pool}}}. */
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

    @TempDir
    Path dir;

    @Test
    void everyQueryNamesMetricsLabelsAndValuesTheNodeExports() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b");
             StubBackend assets = StubBackend.start("assets", GrafanaDashboardIT::cacheable)) {
            GatehouseServer node = start(a.address(), b.address(), assets.address());
            try {
                sendTraffic(node.port());
                // The collector's pause timer is registered at the first pause after the node's start.
                System.gc();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    PrometheusText p = PrometheusText.parse(scrape(node.adminPort()));
                    assertThat(p.value("gatehouse_requests_total", "backend", "none", "pool", "none", "code", "2xx")).isEqualTo(1);
                    assertThat(sum(p, "gatehouse_requests_total", "pool", "web", "code", "5xx")).isEqualTo(1);
                    assertThat(p.value("gatehouse_cache_requests_total", "result", "hit")).isEqualTo(1);
                    assertThat(p.value("gatehouse_compression_responses_total", "coding", "gzip")).isEqualTo(1);
                    assertThat(p.samples("jvm_gc_pause_seconds_count")).isNotEmpty();
                });
                check(scrape(node.adminPort()), GrafanaDashboard.read());
            } finally {
                node.stop(Duration.ofSeconds(5));
            }
        }
    }

    /** Holds every query of the dashboard to the scrape, and the scrape's metrics to the dashboard. */
    private static void check(String scrape, GrafanaDashboard dashboard) {
        Exported exported = Exported.of(scrape);
        Set<String> used = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (GrafanaDashboard.Query q : dashboard.queries()) {
            PromQlNames names = PromQlNames.of(q.expr());
            Set<String> labels = new HashSet<>(TARGET_LABELS);
            boolean known = true;
            for (PromQlNames.Selector s : names.selectors()) {
                used.add(s.metric());
                if (!exported.labels.containsKey(s.metric())) {
                    problems.add(q.where() + ": " + s.metric() + " is not in the node's /metrics");
                    known = false;
                    continue;
                }
                labels.addAll(exported.labels.get(s.metric()).keySet());
                for (PromQlNames.Matcher m : s.matchers()) {
                    checkMatcher(q.where(), s.metric(), m, exported, problems);
                }
            }
            if (!known) {
                continue;
            }
            for (String g : names.groupingLabels()) {
                if (!labels.contains(g)) {
                    problems.add(q.where() + ": groups by " + g + ", which none of its metrics has");
                }
            }
            // A legend can name only what the result keeps: the grouping labels when there are any.
            Set<String> kept = names.groupingLabels().isEmpty() ? labels : names.groupingLabels();
            Matcher legend = LEGEND_LABEL.matcher(q.legend());
            while (legend.find()) {
                if (!kept.contains(legend.group(1))) {
                    problems.add(q.where() + ": the legend names " + legend.group(1) + ", which the result does not have");
                }
            }
            if (q.label() != null && !labels.contains(q.label())) {
                problems.add(q.where() + ": lists values of " + q.label() + ", which its metric does not have");
            }
        }
        assertThat(problems).as("the dashboard's queries against the node's /metrics").isEmpty();
        assertThat(used).as("metrics the dashboard uses").hasSizeGreaterThan(40);

        Set<String> unused = new TreeSet<>();
        for (String family : exported.families) {
            boolean shown = Arrays.asList("", "_bucket", "_count", "_sum").stream().anyMatch(s -> used.contains(family + s));
            if (family.startsWith("gatehouse_") && !shown && !NOT_ON_THE_DASHBOARD.containsKey(family)) {
                unused.add(family);
            }
        }
        assertThat(unused).as("gatehouse metrics without a panel in %s (add one, or list the metric in"
                + " NOT_ON_THE_DASHBOARD with why)", GrafanaDashboard.FILE).isEmpty();
        assertThat(exported.families).as("the metrics left out are exported").containsAll(NOT_ON_THE_DASHBOARD.keySet());
    }

    /** The label must be the metric's; a literal value (not a variable) must be one the node uses. */
    private static void checkMatcher(String where, String metric, PromQlNames.Matcher m, Exported exported,
                                     List<String> problems) {
        if (TARGET_LABELS.contains(m.label())) {
            return;
        }
        Set<String> values = exported.labels.get(metric).get(m.label());
        if (values == null) {
            problems.add(where + ": " + metric + " has no label " + m.label());
            return;
        }
        if (m.value().contains("$") || !LITERALS.matcher(m.value()).matches()) {
            return;
        }
        for (String v : m.value().split("\\|")) {
            if (!values.contains(v)) {
                problems.add(where + ": " + metric + " has no " + m.label() + "=\"" + v + "\" (it has " + values + ")");
            }
        }
    }

    /**
     * What a scrape shows: the families of its {@code # TYPE} lines, and per series name the
     * values of each label.
     */
    private record Exported(Set<String> families, Map<String, Map<String, Set<String>>> labels) {

        static Exported of(String scrape) {
            Set<String> families = new TreeSet<>();
            Map<String, Map<String, Set<String>>> labels = new HashMap<>();
            PrometheusText parsed = PrometheusText.parse(scrape);
            for (String line : scrape.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    families.add(line.split(" ")[2]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    String name = line.substring(0, line.contains("{") ? line.indexOf('{') : line.indexOf(' '));
                    labels.computeIfAbsent(name, n -> {
                        Map<String, Set<String>> byLabel = new HashMap<>();
                        for (PrometheusText.Sample s : parsed.samples(n)) {
                            s.labels().forEach((k, v) -> byLabel.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
                        }
                        return byLabel;
                    });
                }
            }
            return new Exported(families, labels);
        }
    }

    /**
     * Requests that make the conditional meters appear: a 5xx, a cache miss and hit, a
     * compressed response, a static file, and one on no route's pool (the static answer).
     */
    private static void sendTraffic(int port) {
        for (int i = 0; i < 4; i++) {
            assertThat(RawHttpResponse.get(port, "/").status()).isEqualTo(200);
        }
        assertThat(RawHttpResponse.get(port, "/status/503").status()).isEqualTo(503);
        assertThat(RawHttpResponse.send(port, "GET", "/cached/x").status()).isEqualTo(200);
        RawHttpResponse hit = RawHttpResponse.send(port, "GET", "/cached/x");
        assertThat(hit.header("Cache-Status")).as(hit.toString()).contains("hit");
        RawHttpResponse zipped = RawHttpResponse.send(port, "GET", "/zip/x", "Accept-Encoding: gzip");
        assertThat(zipped.header("Content-Encoding")).as(zipped.toString()).isEqualTo("gzip");
        assertThat(RawHttpResponse.send(port, "GET", "/static/a.txt").status()).isEqualTo(200);
    }

    /** An answer any cache may keep for a minute, so that the second request is a hit. */
    private static void cacheable(StubExchange ex) {
        ex.discardBody(() -> {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("asset " + ex.path() + "\n", StandardCharsets.UTF_8));
            r.headers().set("Content-Type", "text/plain; charset=utf-8").set("Cache-Control", "max-age=60");
            ex.respond(r);
        });
    }

    private static double sum(PrometheusText p, String name, String... labels) {
        return p.samples(name, labels).stream().mapToDouble(PrometheusText.Sample::value).sum();
    }

    /** GET /metrics from the admin listener, as Prometheus does. */
    private static String scrape(int adminPort) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(NodeMetrics.CONTENT_TYPE);
            return r.body();
        }
    }

    /**
     * A node with two backends in pool {@code web} and one in {@code assets}, a cached, a
     * compressing and a static route on its plaintext listener, a TLS listener (whose certificate
     * has an expiry gauge), and an admin listener, all on 127.0.0.1 port 0.
     */
    private GatehouseServer start(String backendA, String backendB, String assets) throws Exception {
        Instant now = Instant.now();
        X509Bundle ca = new CertificateBuilder().subject("CN=Gatehouse Dashboard Test CA").setIsCertificateAuthority(true)
                .ecp256().notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(365))).buildSelfSigned();
        X509Bundle leaf = new CertificateBuilder().subject("CN=gatehouse.test").addSanDnsName("gatehouse.test").ecp256()
                .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(30))).buildIssuedBy(ca);
        Files.writeString(dir.resolve("site.crt"), pem("CERTIFICATE", leaf.getCertificate().getEncoded()));
        Files.writeString(dir.resolve("site.key"), pem("PRIVATE KEY", leaf.getKeyPair().getPrivate().getEncoded()));
        Files.createDirectories(dir.resolve("public"));
        Files.writeString(dir.resolve("public/a.txt"), "static\n");
        Path config = dir.resolve("gatehouse.yaml");
        Files.writeString(config, """
                listeners:
                  - bind: 127.0.0.1:0
                    routes:
                      - { path_prefix: /static/, static: "%1$s/public" }
                      - { path_prefix: /cached/, pool: assets, cache: true }
                      - { path_prefix: /zip/, pool: web, compress: { min_size: 0 } }
                      - { pool: web }
                  - bind: 127.0.0.1:0
                    tls:
                      certificates: [ { cert: "%1$s/site.crt", key: "%1$s/site.key" } ]
                    routes: [ { pool: web } ]
                pools:
                  web:
                    backend_concurrency: 4
                    backends: [ "%2$s", "%3$s" ]
                  assets:
                    backends: [ "%4$s" ]
                admin: { bind: 127.0.0.1:0 }
                access_log: { enabled: false }
                """.formatted(dir, backendA, backendB, assets));
        return GatehouseServer.start(ConfigLoader.load(config));
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
