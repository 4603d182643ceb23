package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Reads a listener's {@code http2}: a map, or {@code true}/{@code false} as a shorthand for
 * {@code enabled}. A map keeps the default of every key it leaves out. Part of {@link ConfigWalker}.
 */
final class Http2Walker {

    static final List<String> KEYS = List.of("enabled", "h2c", "max_concurrent_streams", "initial_window_size",
            "connection_window_size", "max_frame_size", "max_header_list_size");

    private final Values in;

    Http2Walker(Values in) {
        this.in = in;
    }

    Http2Config http2(JsonNode node, String path) {
        Http2Config d = Http2Config.DEFAULTS;
        if (node.isBoolean()) {
            return d.withEnabled(node.booleanValue());
        }
        if (!node.isObject()) {
            in.error(path, Values.describe(node) + " (expected: true, false, or a map with keys "
                    + String.join(", ", KEYS) + ")");
            return null;
        }
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        Boolean enabled = d.enabled();
        Boolean h2c = d.h2c();
        Integer streams = d.maxConcurrentStreams();
        Long window = (long) d.initialWindowSize();
        Long connectionWindow = (long) d.connectionWindowSize();
        Long frame = (long) d.maxFrameSize();
        Long headerList = (long) d.maxHeaderListSize();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "enabled" -> enabled = in.bool(f.value(), f.path());
                case "h2c" -> h2c = in.bool(f.value(), f.path());
                case "max_concurrent_streams" -> streams = in.integer(f.value(), f.path(), 1, Http2Config.MAX_STREAMS);
                case "initial_window_size" -> window = in.size(f.value(), f.path(), 1024, Http2Config.MAX_WINDOW);
                case "connection_window_size" -> connectionWindow = in.size(f.value(), f.path(), 65_535, Http2Config.MAX_WINDOW);
                case "max_frame_size" -> frame = in.size(f.value(), f.path(), Http2Config.MIN_FRAME_SIZE, Http2Config.MAX_FRAME_SIZE);
                case "max_header_list_size" -> headerList = in.size(f.value(), f.path(), 1024, 1024 * 1024);
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        if (Boolean.TRUE.equals(h2c) && Boolean.FALSE.equals(enabled)) {
            in.error(Paths.child(path, "h2c"), "true (expected: false when enabled is false; h2c is HTTP/2 without TLS)");
            return null;
        }
        boolean e = enabled;
        boolean c = h2c;
        int s = streams;
        int w = window.intValue();
        int cw = connectionWindow.intValue();
        int fr = frame.intValue();
        int hl = headerList.intValue();
        return in.build(path, KEYS, () -> new Http2Config(e, c, s, w, cw, fr, hl));
    }
}
