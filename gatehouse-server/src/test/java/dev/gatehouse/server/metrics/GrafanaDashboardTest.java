package dev.gatehouse.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard is one Grafana imports: unique panel ids, panels on the 24-column grid
 * without overlaps, rows as Grafana keeps them, every panel with queries on the dashboard's data
 * source, and every variable it uses defined. Whether its metrics exist is
 * {@link GrafanaDashboardIT}'s job; here also the reader of its PromQL.
 */
final class GrafanaDashboardTest {

    private static final String DATASOURCE = "${datasource}";
    /** {@code $name} or {@code ${name}} or {@code ${name:format}}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{([A-Za-z0-9_]+)(?::[a-z]+)?}|([A-Za-z0-9_]+))");
    /** Grafana's own variables, and {@code $__all}, the value of a variable's "All". */
    private static final Set<String> BUILT_IN = Set.of("__rate_interval", "__interval", "__range", "__all");

    private static GrafanaDashboard dashboard;

    @BeforeAll
    static void read() throws Exception {
        dashboard = GrafanaDashboard.read();
    }

    @Test
    void isACurrentDashboardWithAStableUid() {
        JsonNode d = dashboard.json();
        assertThat(d.path("schemaVersion").asInt()).as("schemaVersion").isGreaterThanOrEqualTo(36);
        assertThat(d.path("uid").asText()).isEqualTo("gatehouse");
        assertThat(d.path("title").asText()).isNotBlank();
        // An imported dashboard gets its id from Grafana.
        assertThat(d.path("id").isNull()).as("id is null").isTrue();
    }

    @Test
    void panelIdsAreUnique() {
        Set<Integer> seen = new HashSet<>();
        for (JsonNode p : dashboard.panels()) {
            assertThat(p.path("id").isInt()).as("panel \"%s\" has an id", p.path("title").asText()).isTrue();
            assertThat(seen.add(p.path("id").asInt())).as("panel id %s is unique", p.path("id")).isTrue();
        }
        assertThat(seen).hasSizeGreaterThan(30);
    }

    @Test
    void panelsSitOnTheGridWithoutOverlapping() {
        List<JsonNode> top = new ArrayList<>();
        for (JsonNode p : dashboard.json().path("panels")) {
            top.add(p);
            if (p.path("type").asText().equals("row")) {
                List<JsonNode> inside = new ArrayList<>();
                p.path("panels").forEach(inside::add);
                // An open row's panels follow it at the top level; a collapsed row holds its own.
                assertThat(inside.isEmpty()).as("row \"%s\" keeps panels only while collapsed", p.path("title").asText())
                        .isEqualTo(!p.path("collapsed").asBoolean());
                assertNoOverlap(inside);
                inside.forEach(q -> assertThat(q.path("gridPos").path("y").asInt())
                        .as("panel \"%s\" is below its row", q.path("title").asText())
                        .isGreaterThan(p.path("gridPos").path("y").asInt()));
            }
        }
        assertNoOverlap(top);
    }

    private static void assertNoOverlap(List<JsonNode> panels) {
        for (JsonNode p : panels) {
            JsonNode g = p.path("gridPos");
            String title = p.path("title").asText();
            assertThat(g.path("h").asInt()).as("\"%s\" height", title).isPositive();
            assertThat(g.path("w").asInt()).as("\"%s\" width", title).isBetween(1, 24);
            assertThat(g.path("x").asInt()).as("\"%s\" x", title).isBetween(0, 24 - g.path("w").asInt());
            assertThat(g.path("y").asInt()).as("\"%s\" y", title).isNotNegative();
        }
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                JsonNode a = panels.get(i).path("gridPos");
                JsonNode b = panels.get(j).path("gridPos");
                boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                        || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
                        || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
                        || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
                assertThat(apart).as("\"%s\" and \"%s\" overlap", panels.get(i).path("title").asText(),
                        panels.get(j).path("title").asText()).isTrue();
            }
        }
    }

    @Test
    void everyPanelQueriesTheDashboardsDataSource() {
        for (JsonNode p : dashboard.panels()) {
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            String title = p.path("title").asText();
            assertThat(p.path("title").asText()).isNotBlank();
            assertThat(p.path("description").asText()).as("\"%s\" says what it shows", title).isNotBlank();
            assertThat(p.path("datasource").path("uid").asText()).as("\"%s\" data source", title).isEqualTo(DATASOURCE);
            assertThat(p.path("targets").size()).as("\"%s\" targets", title).isPositive();
            Set<String> refIds = new HashSet<>();
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("expr").asText()).as("\"%s\" expr", title).isNotBlank();
                assertThat(t.path("datasource").path("uid").asText()).as("\"%s\" target data source", title)
                        .isEqualTo(DATASOURCE);
                assertThat(refIds.add(t.path("refId").asText())).as("\"%s\" refIds are unique", title).isTrue();
            }
        }
    }

    @Test
    void everyVariableUsedIsDefined_andTheDataSourceIsOne() {
        Set<String> defined = new HashSet<>(BUILT_IN);
        for (JsonNode v : dashboard.json().path("templating").path("list")) {
            defined.add(v.path("name").asText());
            if (v.path("name").asText().equals("datasource")) {
                assertThat(v.path("type").asText()).isEqualTo("datasource");
                assertThat(v.path("query").asText()).isEqualTo("prometheus");
            }
        }
        assertThat(defined).contains("datasource", "pool", "backend");
        Matcher m = VARIABLE.matcher(dashboard.json().toString());
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            assertThat(defined).as("variable $%s is defined", name).contains(name);
        }
    }

    @Test
    void everyQueryReads_andSelectsAMetric() {
        List<GrafanaDashboard.Query> queries = dashboard.queries();
        assertThat(queries).hasSizeGreaterThan(50);
        for (GrafanaDashboard.Query q : queries) {
            assertThat(PromQlNames.of(q.expr()).selectors()).as(q.where()).isNotEmpty();
        }
    }

    @Test
    void promQl_namesTheSelectorsMatchersGroupingAndFunctions() {
        PromQlNames n = PromQlNames.of("histogram_quantile(0.99, sum by (pool, le) (rate(gatehouse_request_duration_seconds_bucket"
                + "{job=~\"$job\", pool=~\"${pool}\"}[$__rate_interval]))) / on (pool) group_left"
                + " max without (instance) (gatehouse_pool_panic) > 1e-9");
        assertThat(n.selectors()).extracting(PromQlNames.Selector::metric)
                .containsExactly("gatehouse_request_duration_seconds_bucket", "gatehouse_pool_panic");
        assertThat(n.selectors().get(0).matchers()).containsExactly(
                new PromQlNames.Matcher("job", "=~", "$job"), new PromQlNames.Matcher("pool", "=~", "${pool}"));
        assertThat(n.selectors().get(1).matchers()).isEmpty();
        assertThat(n.groupingLabels()).containsExactlyInAnyOrder("pool", "le", "instance");
        assertThat(n.functions()).containsExactlyInAnyOrder("histogram_quantile", "sum", "rate", "max");
    }

    @Test
    void promQl_readsStringsWithEscapesAndTheWordOperators() {
        PromQlNames n = PromQlNames.of("sum(a{x!~\"a\\\"b|c\"}) and bool b offset 5m or c{y!=''} unless d{z=`\\d`}");
        assertThat(n.selectors()).extracting(PromQlNames.Selector::metric).containsExactly("a", "b", "c", "d");
        assertThat(n.selectors().get(0).matchers()).containsExactly(new PromQlNames.Matcher("x", "!~", "a\"b|c"));
        assertThat(n.selectors().get(3).matchers()).containsExactly(new PromQlNames.Matcher("z", "=", "\\d"));
    }

    @Test
    void promQl_refusesWhatItCannotPlace() {
        assertThatThrownBy(() -> PromQlNames.of("histogram_quantil(0.9, x)"))
                .hasMessage("unknown function histogram_quantil at 0 in: histogram_quantil(0.9, x)");
        assertThatThrownBy(() -> PromQlNames.of("sum({__name__=~\"gatehouse_.*\"})"))
                .hasMessageStartingWith("a selector without a metric name at 4");
        assertThatThrownBy(() -> PromQlNames.of("x{a=\"b}")).hasMessageStartingWith("an unterminated string at 4");
        assertThatThrownBy(() -> PromQlNames.of("x{a=\"b\"")).hasMessageStartingWith("an unterminated selector");
        assertThatThrownBy(() -> PromQlNames.of("rate(x[5m)")).hasMessageStartingWith("an unterminated range at 6");
        assertThatThrownBy(() -> PromQlNames.of("x{a, b=\"c\"}")).hasMessageStartingWith("a matcher label=\"value\" expected at 2");
        assertThatThrownBy(() -> PromQlNames.of("sum by (pool, 1) (x)"))
                .hasMessageStartingWith("a label name expected in a label list");
        assertThatThrownBy(() -> PromQlNames.of("x # y")).hasMessageStartingWith("an unexpected character '#' at 2");
    }
}
