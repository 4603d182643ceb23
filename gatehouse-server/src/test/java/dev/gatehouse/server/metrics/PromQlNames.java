package dev.gatehouse.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a PromQL expression uses, for tests that hold a dashboard to what a node exports: the
 * metrics it selects with their label matchers, the labels it groups by, and its functions.
 *
 * <p>Not a PromQL parser: a tokenizer and one pass, enough for the expressions a dashboard holds.
 * Grafana's variables ({@code $pool}, {@code ${pool}}, {@code [$__rate_interval]}) are allowed
 * where Grafana puts them. What it cannot place is an error, so that a mistake is not silently
 * skipped: a selector without a metric name ({@code {__name__=~"..."}}), an unknown function (a
 * misspelt {@code histogram_quantile} would otherwise read as a function and name nothing), an
 * unterminated string or bracket.
 *
 * @param selectors      the metric selectors, in order
 * @param groupingLabels the labels of every {@code by}, {@code without}, {@code on} and
 *                       {@code ignoring} clause
 * @param functions      the functions and aggregations called
 */
record PromQlNames(List<Selector> selectors, Set<String> groupingLabels, Set<String> functions) {

    /** A metric and its label matchers: {@code gatehouse_requests_total{code="5xx"}}. */
    record Selector(String metric, List<Matcher> matchers) {
    }

    /** One label matcher: label, operator ({@code =}, {@code !=}, {@code =~}, {@code !~}) and the string's value. */
    record Matcher(String label, String op, String value) {
    }

    /** Aggregation operators: a {@code by} or {@code without} clause may come between them and their parenthesis. */
    private static final Set<String> AGGREGATIONS = Set.of("sum", "avg", "min", "max", "count", "group", "stddev",
            "stdvar", "topk", "bottomk", "quantile", "count_values");

    /** PromQL's functions (Prometheus 2.x and 3.x), the ones a dashboard may call. */
    private static final Set<String> FUNCTIONS = Set.of("abs", "absent", "absent_over_time", "avg_over_time", "ceil",
            "changes", "clamp", "clamp_max", "clamp_min", "count_over_time", "day_of_month", "day_of_week", "days_in_month",
            "delta", "deriv", "exp", "floor", "histogram_quantile", "hour", "idelta", "increase", "irate", "label_join",
            "label_replace", "last_over_time", "ln", "log10", "log2", "max_over_time", "min_over_time", "minute", "month",
            "predict_linear", "present_over_time", "quantile_over_time", "rate", "resets", "round", "scalar", "sgn", "sort",
            "sort_desc", "sqrt", "stddev_over_time", "stdvar_over_time", "sum_over_time", "time", "timestamp", "vector",
            "year");

    /** Keywords followed by a parenthesized list of labels. */
    private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    /** Binary operators and modifiers spelt as words. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "atan2");

    /**
     * Reads an expression.
     *
     * @param expr a PromQL expression, possibly with Grafana's variables
     * @return what it names
     * @throws IllegalArgumentException when it has something this reader cannot place, with where
     */
    static PromQlNames of(String expr) {
        List<Token> tokens = tokens(expr);
        List<Selector> selectors = new ArrayList<>();
        Set<String> grouping = new LinkedHashSet<>();
        Set<String> functions = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            boolean beforeParen = i + 1 < tokens.size() && tokens.get(i + 1).is("(");
            if (t.kind == Kind.PUNCT && t.text.equals("{")) {
                throw error(expr, t.at, "a selector without a metric name");
            }
            if (t.kind != Kind.IDENT) {
                continue;
            }
            if (GROUPING.contains(t.text)) {
                if (beforeParen) {
                    i = labelList(expr, tokens, i + 1, grouping);
                }
            } else if (AGGREGATIONS.contains(t.text)) {
                functions.add(t.text);
            } else if (beforeParen) {
                if (!FUNCTIONS.contains(t.text)) {
                    throw error(expr, t.at, "unknown function " + t.text);
                }
                functions.add(t.text);
            } else if (!KEYWORDS.contains(t.text)) {
                List<Matcher> matchers = new ArrayList<>();
                if (i + 1 < tokens.size() && tokens.get(i + 1).is("{")) {
                    i = matchers(expr, tokens, i + 1, matchers);
                }
                selectors.add(new Selector(t.text, List.copyOf(matchers)));
            }
        }
        return new PromQlNames(List.copyOf(selectors), Set.copyOf(grouping), Set.copyOf(functions));
    }

    /** Reads {@code (a, b)} from the {@code (} at {@code open}; returns the index of the {@code )}. */
    private static int labelList(String expr, List<Token> tokens, int open, Set<String> into) {
        int i = open + 1;
        while (i < tokens.size() && !tokens.get(i).is(")")) {
            Token t = tokens.get(i);
            if (t.kind == Kind.IDENT) {
                into.add(t.text);
            } else if (!t.is(",")) {
                throw error(expr, t.at, "a label name expected in a label list");
            }
            i++;
        }
        if (i == tokens.size()) {
            throw error(expr, expr.length(), "an unterminated label list");
        }
        return i;
    }

    /** Reads {@code {a="x", b=~"y"}} from the {@code {} at {@code open}; returns the index of the {@code }}. */
    private static int matchers(String expr, List<Token> tokens, int open, List<Matcher> into) {
        int i = open + 1;
        while (i < tokens.size() && !tokens.get(i).is("}")) {
            if (tokens.get(i).is(",")) {
                i++;
                continue;
            }
            if (i + 2 >= tokens.size()) {
                throw error(expr, expr.length(), "an unterminated selector");
            }
            Token label = tokens.get(i);
            Token op = tokens.get(i + 1);
            Token value = tokens.get(i + 2);
            if (label.kind != Kind.IDENT || op.kind != Kind.PUNCT
                    || !Set.of("=", "!=", "=~", "!~").contains(op.text) || value.kind != Kind.STRING) {
                throw error(expr, label.at, "a matcher label=\"value\" expected");
            }
            into.add(new Matcher(label.text, op.text, value.text));
            i += 3;
        }
        if (i == tokens.size()) {
            throw error(expr, expr.length(), "an unterminated selector");
        }
        return i;
    }

    private enum Kind { IDENT, STRING, NUMBER, VARIABLE, PUNCT }

    private record Token(Kind kind, String text, int at) {

        boolean is(String punct) {
            return kind == Kind.PUNCT && text.equals(punct);
        }
    }

    private static List<Token> tokens(String expr) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'' || c == '`') {
                StringBuilder value = new StringBuilder();
                i++;
                while (i < n && expr.charAt(i) != c) {
                    if (expr.charAt(i) == '\\' && c != '`' && i + 1 < n) {
                        i++;
                    }
                    value.append(expr.charAt(i++));
                }
                if (i == n) {
                    throw error(expr, start, "an unterminated string");
                }
                i++;
                out.add(new Token(Kind.STRING, value.toString(), start));
            } else if (c == '[') {
                // A range or subquery: durations, ':' and Grafana's interval variables, nothing named.
                int close = expr.indexOf(']', i);
                if (close < 0) {
                    throw error(expr, start, "an unterminated range");
                }
                i = close + 1;
            } else if (c == '$') {
                i++;
                if (i < n && expr.charAt(i) == '{') {
                    int close = expr.indexOf('}', i);
                    if (close < 0) {
                        throw error(expr, start, "an unterminated ${variable}");
                    }
                    i = close + 1;
                } else {
                    while (i < n && isIdentPart(expr.charAt(i))) {
                        i++;
                    }
                }
                out.add(new Token(Kind.VARIABLE, expr.substring(start, i), start));
            } else if (Character.isDigit(c) || c == '.' && i + 1 < n && Character.isDigit(expr.charAt(i + 1))) {
                // A number (0.99, 1e-9) or a duration (5m, 1h30m).
                while (i < n && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '.'
                        || (expr.charAt(i) == '-' || expr.charAt(i) == '+') && (expr.charAt(i - 1) == 'e' || expr.charAt(i - 1) == 'E'))) {
                    i++;
                }
                out.add(new Token(Kind.NUMBER, expr.substring(start, i), start));
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                while (i < n && isIdentPart(expr.charAt(i))) {
                    i++;
                }
                out.add(new Token(Kind.IDENT, expr.substring(start, i), start));
            } else if ("=!<>".indexOf(c) >= 0 && i + 1 < n && "=~".indexOf(expr.charAt(i + 1)) >= 0) {
                i += 2;
                out.add(new Token(Kind.PUNCT, expr.substring(start, i), start));
            } else if ("(){},=<>+-*/%^".indexOf(c) >= 0) {
                i++;
                out.add(new Token(Kind.PUNCT, String.valueOf(c), start));
            } else {
                throw error(expr, start, "an unexpected character '" + c + "'");
            }
        }
        return out;
    }

    private static boolean isIdentPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == ':';
    }

    private static IllegalArgumentException error(String expr, int at, String what) {
        return new IllegalArgumentException(what + " at " + at + " in: " + expr);
    }
}
