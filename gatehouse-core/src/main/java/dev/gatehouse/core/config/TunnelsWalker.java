package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;

/** Reads a pool's {@code tunnels}. A map keeps the record's default for every key it leaves out. Part of {@link PoolWalker}. */
final class TunnelsWalker {

    static final List<String> KEYS = List.of("on_cutover", "grace", "close_timeout", "idle_timeout", "hold_slot");

    private final Values in;

    TunnelsWalker(Values in) {
        this.in = in;
    }

    TunnelsConfig tunnels(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        TunnelsConfig d = TunnelsConfig.DEFAULTS;
        TunnelsConfig.OnCutover onCutover = d.onCutover();
        Duration grace = d.grace();
        Duration closeTimeout = d.closeTimeout();
        Duration idle = d.idleTimeout();
        Boolean holdSlot = d.holdSlot();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "on_cutover" -> onCutover = onCutover(in.string(f.value(), f.path()), f.path());
                case "grace" -> grace = in.durationOrZero(f.value(), f.path());
                case "close_timeout" -> closeTimeout = in.duration(f.value(), f.path());
                case "idle_timeout" -> idle = in.duration(f.value(), f.path());
                case "hold_slot" -> holdSlot = in.bool(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        TunnelsConfig.OnCutover o = onCutover;
        Duration g = grace;
        Duration c = closeTimeout;
        Duration i = idle;
        boolean h = holdSlot;
        return in.build(path, KEYS, () -> new TunnelsConfig(o, g, c, i, h));
    }

    private TunnelsConfig.OnCutover onCutover(String text, String path) {
        if (text == null) {
            return null;
        }
        return TunnelsConfig.OnCutover.byConfigName(text).orElseGet(() -> {
            in.error(path, Values.quote(text) + " (expected one of: close, keep)");
            return null;
        });
    }
}
