package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a route's {@code rate_limit}: {@code { key: client_ip | header:NAME, rate: 100/s, burst: 200,
 * max_keys: 100000 }}. Only {@code rate} is required. Part of {@link ConfigWalker}.
 */
final class RateLimitWalker {

    private static final List<String> KEYS = List.of("key", "rate", "burst", "max_keys");
    // At most 7 digits: enough for the largest valid rate, and no overflow before the range check.
    private static final Pattern RATE = Pattern.compile("([0-9]{1,7})/(s|m)");
    private static final String RATE_EXPECTED = " (expected: requests per second or minute, such as 100/s or 30/m; 1 to "
            + RateLimitConfig.MAX_REQUESTS + " requests)";

    private final Values in;

    RateLimitWalker(Values in) {
        this.in = in;
    }

    /** Reads the map at {@code path}; {@code null} when it has an error (reported). */
    RateLimitConfig rateLimit(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        RateLimitConfig.Key key = RateLimitConfig.Key.CLIENT_IP;
        String header = null;
        int requests = 0;
        Duration per = null;
        Integer burst = null;
        Integer maxKeys = RateLimitConfig.DEFAULT_MAX_KEYS;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "key" -> {
                    String text = in.string(f.value(), f.path());
                    header = text == null ? null : header(text, f.path());
                    key = header == null ? RateLimitConfig.Key.CLIENT_IP : RateLimitConfig.Key.HEADER;
                }
                case "rate" -> {
                    String text = in.string(f.value(), f.path());
                    Matcher m = text == null ? null : RATE.matcher(text);
                    if (m != null && m.matches() && Integer.parseInt(m.group(1)) >= 1
                            && Integer.parseInt(m.group(1)) <= RateLimitConfig.MAX_REQUESTS) {
                        requests = Integer.parseInt(m.group(1));
                        per = m.group(2).equals("s") ? Duration.ofSeconds(1) : Duration.ofMinutes(1);
                    } else if (text != null) {
                        in.error(f.path(), Values.quote(text) + RATE_EXPECTED);
                    }
                }
                case "burst" -> burst = in.integer(f.value(), f.path(), 1, RateLimitConfig.MAX_REQUESTS);
                case "max_keys" -> maxKeys = in.integer(f.value(), f.path(), 1, RateLimitConfig.MAX_KEYS);
                default -> in.unknown(f);
            }
        }
        if (!fields.has("rate")) {
            in.missing(Paths.child(path, "rate"), "requests per second or minute, such as 100/s or 30/m");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        RateLimitConfig.Key k = key;
        String h = header;
        int r = requests;
        Duration p = per;
        // Without a burst, a client may use one period's requests at once (100/s: 100).
        int b = burst == null ? requests : burst;
        int mk = maxKeys;
        return in.build(path, KEYS, () -> new RateLimitConfig(k, h, r, p, b, mk));
    }

    /** {@code client_ip} gives null; {@code header:NAME} gives the name; anything else is reported (and gives null). */
    private String header(String text, String path) {
        if (text.equals("client_ip")) {
            return null;
        }
        if (text.startsWith("header:")) {
            String name = text.substring("header:".length()).trim();
            if (!name.isEmpty() && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
                return name;
            }
        }
        in.error(path, Values.quote(text) + " (expected: client_ip or header:NAME)");
        return null;
    }
}
