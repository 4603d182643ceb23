package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a pool's {@code retries} and their {@code budget}. A map keeps the record's default for
 * every key it leaves out. Part of {@link PoolWalker}.
 */
final class RetryWalker {

    static final List<String> RETRY_KEYS = List.of("max", "on_status", "on_timeout", "per_try_timeout", "deadline",
            "buffer_body", "budget");
    static final List<String> BUDGET_KEYS = List.of("percent", "min_per_second", "window");

    private static final long MAX_BUFFER = 16L * 1024 * 1024;

    private final Values in;

    RetryWalker(Values in) {
        this.in = in;
    }

    /** {@code retries: false} for none, {@code true} for the defaults, or a map. */
    RetryConfig retries(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? RetryConfig.DEFAULTS : RetryConfig.OFF;
        }
        Values.Fields fields = in.fields(node, path, RETRY_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        RetryConfig d = RetryConfig.DEFAULTS;
        Integer max = d.maxRetries();
        List<Integer> onStatus = d.onStatus();
        Boolean onTimeout = d.onTimeout();
        Duration perTry = d.perTryTimeout();
        Duration deadline = d.deadline();
        Long buffer = d.bufferBody();
        RetryBudgetConfig budget = d.budget();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "max" -> max = in.integer(f.value(), f.path(), 0, 10);
                case "on_status" -> onStatus = statuses(f.value(), f.path());
                case "on_timeout" -> onTimeout = in.bool(f.value(), f.path());
                case "per_try_timeout" -> perTry = in.duration(f.value(), f.path());
                case "deadline" -> deadline = in.duration(f.value(), f.path());
                case "buffer_body" -> buffer = in.size(f.value(), f.path(), 0, MAX_BUFFER);
                case "budget" -> budget = budget(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int m = max;
        List<Integer> s = onStatus;
        boolean t = onTimeout;
        Duration pt = perTry;
        Duration dl = deadline;
        long bb = buffer;
        RetryBudgetConfig bu = budget;
        return in.build(path, RETRY_KEYS, () -> new RetryConfig(m, s, t, pt, dl, bb, bu));
    }

    private List<Integer> statuses(JsonNode node, String path) {
        ArrayNode list = in.list(node, path, "statuses 500-599");
        if (list == null) {
            return null;
        }
        int mark = in.errorCount();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            statuses.add(in.integer(list.get(i), Paths.index(path, i), 500, 599));
        }
        return in.errorCount() == mark ? statuses : null;
    }

    private RetryBudgetConfig budget(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, BUDGET_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        RetryBudgetConfig d = RetryBudgetConfig.DEFAULTS;
        Integer percent = d.percent();
        Integer minPerSecond = d.minPerSecond();
        Duration window = d.window();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "percent" -> percent = in.integer(f.value(), f.path(), 0, 100);
                case "min_per_second" -> minPerSecond = in.integer(f.value(), f.path(), 0, 10_000);
                case "window" -> window = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        int p = percent;
        int mps = minPerSecond;
        Duration w = window;
        return in.build(path, BUDGET_KEYS, () -> new RetryBudgetConfig(p, mps, w));
    }
}
