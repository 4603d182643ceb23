package dev.gatehouse.server.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's Grafana dashboard ({@code docs/grafana/gatehouse.json}), read for tests: its
 * panels, rows' panels included, and every PromQL query it holds with where it is.
 *
 * @param json the dashboard
 */
record GrafanaDashboard(JsonNode json) {

    /** The dashboard, from the module's directory (where Maven runs the tests). */
    static final Path FILE = Path.of("../docs/grafana/gatehouse.json");

    /** {@code label_values(selector, label)}: Grafana's Prometheus variable query. */
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.+),\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)$");

    /**
     * A PromQL expression of the dashboard.
     *
     * @param where  what holds it, for messages: {@code panel 12 "Requests/s by pool"}
     * @param expr   the expression (for a variable, the selector of its {@code label_values})
     * @param legend the legend template ({@code {{pool}} p99}), or empty
     * @param label  the label a variable lists, or null for a panel's or annotation's query
     */
    record Query(String where, String expr, String legend, String label) {
    }

    static GrafanaDashboard read() throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(FILE.toFile()));
    }

    /** Every panel, rows and the panels inside collapsed rows included, in order. */
    List<JsonNode> panels() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : json.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    /** Every query: the panels' targets, the annotations' and the variables' queries. */
    List<Query> queries() {
        List<Query> out = new ArrayList<>();
        for (JsonNode p : panels()) {
            String where = "panel " + p.path("id").asText() + " \"" + p.path("title").asText() + "\"";
            for (JsonNode t : p.path("targets")) {
                out.add(new Query(where + " " + t.path("refId").asText(), t.path("expr").asText(),
                        t.path("legendFormat").asText(""), null));
            }
        }
        for (JsonNode a : json.path("annotations").path("list")) {
            if (a.has("expr")) {
                out.add(new Query("annotation \"" + a.path("name").asText() + "\"", a.path("expr").asText(),
                        a.path("textFormat").asText(""), null));
            }
        }
        for (JsonNode v : json.path("templating").path("list")) {
            if (v.path("type").asText().equals("query")) {
                JsonNode q = v.path("query");
                String text = q.isObject() ? q.path("query").asText() : q.asText();
                Matcher m = LABEL_VALUES.matcher(text.strip());
                if (!m.matches()) {
                    throw new IllegalArgumentException("variable " + v.path("name").asText()
                            + ": " + text + " (expected: label_values(metric{...}, label))");
                }
                out.add(new Query("variable $" + v.path("name").asText(), m.group(1), "", m.group(2)));
            }
        }
        return out;
    }
}
