package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * What {@code consistent-hash} hashes, and how much load it lets one backend take.
 *
 * @param source      where the key comes from
 * @param name        the header or cookie name for {@link Source#HEADER} and {@link Source#COOKIE}; else null
 * @param boundedLoad 0 for none, else a factor above 1 (e.g. 1.25): no backend takes more than
 *                    that times the average in-flight load; keys move on along the ring instead
 */
public record HashConfig(Source source, String name, double boundedLoad) {

    /** The client IP, no load bound. */
    public static final HashConfig DEFAULTS = new HashConfig(Source.CLIENT_IP, null, 0);

    /** Where a hash key comes from. */
    public enum Source { CLIENT_IP, HEADER, COOKIE, PATH }

    /** Validates the parts. */
    public HashConfig {
        Objects.requireNonNull(source, "source");
        boolean named = source == Source.HEADER || source == Source.COOKIE;
        if (named && (name == null || name.isBlank())) {
            throw new IllegalArgumentException("key: " + source + " (expected: header:NAME or cookie:NAME)");
        }
        if (boundedLoad != 0 && (boundedLoad <= 1 || boundedLoad > 100)) {
            throw new IllegalArgumentException("bounded_load: " + boundedLoad + " (expected: 0 for none, or above 1 and at most 100)");
        }
    }
}
