package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Session persistence: keeping a client on the backend that served it.
 *
 * @param mode   {@link Mode#COOKIE}: a signed cookie names the backend; {@link Mode#HASH}: consistent
 *               hashing on the pool's hash key
 * @param cookie the cookie's name (cookie mode)
 * @param ttl    how long a cookie binds a client (cookie mode); refreshed on every response
 * @param secret the HMAC key (cookie mode); null to make one at start (then cookies do not survive
 *               a restart and are not shared between nodes)
 * @param versionAffinity after a fast cutover, how long a client whose cookie names a backend of
 *               the previous version stays on it (while it is registered), so that pages and the
 *               assets they load come from one version; zero for off (cookie mode)
 */
public record StickyConfig(Mode mode, String cookie, Duration ttl, String secret, Duration versionAffinity) {

    /** How sessions stick. */
    public enum Mode { COOKIE, HASH }

    /** Default cookie name. */
    public static final String DEFAULT_COOKIE = "gh_sticky";
    /** Default binding time. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    /** Sticky sessions without version affinity. */
    public StickyConfig(Mode mode, String cookie, Duration ttl, String secret) {
        this(mode, cookie, ttl, secret, Duration.ZERO);
    }

    /** Validates the parts. */
    public StickyConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(versionAffinity, "versionAffinity");
        if (versionAffinity.isNegative() || versionAffinity.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("version_affinity: " + versionAffinity.toMillis() + "ms (expected: 0 for off, up to 24h)");
        }
        if (!versionAffinity.isZero() && mode != Mode.COOKIE) {
            throw new IllegalArgumentException("version_affinity: set with mode hash (expected: mode cookie)");
        }
        Objects.requireNonNull(cookie, "cookie");
        Objects.requireNonNull(ttl, "ttl");
        if (cookie.isEmpty() || !cookie.chars().allMatch(c -> c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0)) {
            throw new IllegalArgumentException("cookie: \"" + cookie + "\" (expected: a cookie name token)");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
        }
        if (secret != null && secret.length() < 16) {
            throw new IllegalArgumentException("secret: " + secret.length() + " characters (expected: at least 16)");
        }
    }
}
