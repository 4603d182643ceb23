package dev.gatehouse.testing;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The little JSON the stub writes; not worth a JSON library on every test classpath. */
final class Json {

    private Json() {
    }

    /**
     * Renders headers as {@code {"name":["value",...],...}}: names in lowercase (header names are
     * case-insensitive, so tests look them up one way), in order of first appearance.
     */
    static String headers(HttpHeaders headers) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            byName.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue());
        }
        StringBuilder out = new StringBuilder("{");
        for (Map.Entry<String, List<String>> e : byName.entrySet()) {
            if (out.length() > 1) {
                out.append(',');
            }
            string(out, e.getKey()).append(":[");
            List<String> values = e.getValue();
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(out, values.get(i));
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    /** Renders {@code {"bytes":N,"sha256":"hex"}}. */
    static String bodySummary(long bytes, String sha256) {
        StringBuilder out = new StringBuilder("{\"bytes\":").append(bytes).append(",\"sha256\":");
        return string(out, sha256).append('}').toString();
    }

    static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
