package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A route's request rate limit: a token bucket per key (the client's IP, or a header's value) that
 * holds {@code burst} tokens and gains one every {@code per / requests}; a request takes one token,
 * or is answered 429 when none is left.
 *
 * @param key      where a request's key comes from
 * @param header   the header name for {@link Key#HEADER}; {@code null} otherwise
 * @param requests how many requests per {@code per}, 1 to {@value #MAX_REQUESTS}
 * @param per      one second or one minute
 * @param burst    the bucket's size: how many requests may come at once after a quiet spell,
 *                 1 to {@value #MAX_REQUESTS}
 * @param maxKeys  how many keys are remembered at most, 1 to {@value #MAX_KEYS}; past it the key
 *                 touched least recently is forgotten (its client starts again with a full bucket)
 */
public record RateLimitConfig(Key key, String header, int requests, Duration per, int burst, int maxKeys) {

    /** The most requests per second or minute, and the largest burst. */
    public static final int MAX_REQUESTS = 1_000_000;
    /** The most keys a limiter may remember. */
    public static final int MAX_KEYS = 10_000_000;
    /** Keys remembered when {@code max_keys} is left out. */
    public static final int DEFAULT_MAX_KEYS = 100_000;

    /** Where a request's rate-limit key comes from. */
    public enum Key {
        /** The address of the TCP peer. */
        CLIENT_IP,
        /** The value of a request header; a request without it falls back to its client IP. */
        HEADER
    }

    /** Validates the parts. */
    public RateLimitConfig {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(per, "per");
        if (key == Key.HEADER && (header == null || header.isBlank())) {
            throw new IllegalArgumentException("key: header (expected: header:NAME)");
        }
        if (key == Key.CLIENT_IP && header != null) {
            throw new IllegalArgumentException("key: client_ip with header " + header + " (expected: no header name)");
        }
        if (!per.equals(Duration.ofSeconds(1)) && !per.equals(Duration.ofMinutes(1))) {
            throw new IllegalArgumentException("rate: per " + per + " (expected: per second or per minute)");
        }
        if (requests < 1 || requests > MAX_REQUESTS) {
            throw new IllegalArgumentException("rate: " + requests + " (expected: 1 to " + MAX_REQUESTS + " requests)");
        }
        if (burst < 1 || burst > MAX_REQUESTS) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: 1 to " + MAX_REQUESTS + ")");
        }
        if (maxKeys < 1 || maxKeys > MAX_KEYS) {
            throw new IllegalArgumentException("max_keys: " + maxKeys + " (expected: 1 to " + MAX_KEYS + ")");
        }
    }

    /** A limit by client IP with a burst of one period's requests and the default key table. */
    public static RateLimitConfig perClientIp(int requests, Duration per) {
        return new RateLimitConfig(Key.CLIENT_IP, null, requests, per, requests, DEFAULT_MAX_KEYS);
    }

    /** Nanoseconds between two tokens (rounded down: a rate that does not divide evenly errs by under 1 ns). */
    public long intervalNanos() {
        return per.toNanos() / requests;
    }

    /** The rate as written in the config file: {@code 100/s}, {@code 30/m}. */
    public String rateText() {
        return requests + (per.equals(Duration.ofSeconds(1)) ? "/s" : "/m");
    }
}
