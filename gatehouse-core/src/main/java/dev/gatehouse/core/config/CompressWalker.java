package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads a route's {@code compress} section ({@link CompressConfig}); {@code true} is every default. Part of {@link ConfigWalker}. */
final class CompressWalker {

    static final List<String> KEYS = List.of("codings", "min_size", "types");
    private static final Pattern TYPE = Pattern.compile("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)");

    private final Values in;

    CompressWalker(Values in) {
        this.in = in;
    }

    CompressConfig compress(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? CompressConfig.defaults() : null;
        }
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        CompressConfig d = CompressConfig.defaults();
        List<String> codings = d.codings();
        Long minSize = d.minSize();
        List<String> types = d.types();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "codings" -> codings = in.strings(f.value(), f.path(), "codings");
                case "min_size" -> minSize = in.size(f.value(), f.path(), 0, Long.MAX_VALUE);
                case "types" -> types = types(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        List<String> c = codings;
        long m = minSize;
        List<String> t = types;
        return in.build(path, KEYS, () -> new CompressConfig(c, m, t));
    }

    private List<String> types(JsonNode node, String path) {
        List<String> raw = in.strings(node, path, "media types");
        if (raw == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String t : raw) {
            String lower = t.toLowerCase(Locale.ROOT);
            if (!TYPE.matcher(lower).matches()) {
                in.error(path, Values.quote(t) + " (expected: a media type such as text/html or text/*, without parameters)");
                return null;
            }
            out.add(lower);
        }
        return out;
    }
}
