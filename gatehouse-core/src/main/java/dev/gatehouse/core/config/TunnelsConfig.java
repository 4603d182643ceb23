package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a pool does with its upgraded connections (WebSocket and other tunnels after a {@code 101}).
 *
 * @param onCutover     what happens to a tunnel whose backend leaves service: it is of a version
 *                      that is no longer live (a cutover), or it is draining, in maintenance or
 *                      removed. {@code CLOSE} ends it cleanly after {@code grace}; {@code KEEP}
 *                      leaves it until the backend or the client ends it
 * @param grace         how long such a tunnel may stay before {@code CLOSE} ends it (0 ends it at
 *                      once)
 * @param closeTimeout  how long a WebSocket close handshake may take before both connections are
 *                      closed anyway
 * @param idleTimeout   a tunnel with no byte either way for this long is ended
 * @param holdSlot      whether an open tunnel keeps its backend slot (counts against
 *                      {@code backend_concurrency} and the learned limit). True suits sync workers,
 *                      for which a WebSocket is a busy worker; false suits async apps that hold
 *                      thousands of them. A strict cutover never waits for tunnels either way
 */
public record TunnelsConfig(OnCutover onCutover, Duration grace, Duration closeTimeout, Duration idleTimeout,
                            boolean holdSlot) {

    /** Close old tunnels 30 s after a cutover, 5 s close handshakes, one hour idle, no slot held. */
    public static final TunnelsConfig DEFAULTS = new TunnelsConfig(OnCutover.CLOSE, Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofHours(1), false);

    /** What happens to a tunnel whose backend leaves service. */
    public enum OnCutover {
        /** Ended cleanly after the grace: for a WebSocket, a Close frame with 1012 (Service Restart) both ways. */
        CLOSE,
        /** Left open until the backend or the client ends it. */
        KEEP;

        /** The name used in the configuration. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The value named {@code name} in the configuration. */
        public static Optional<OnCutover> byConfigName(String name) {
            for (OnCutover o : values()) {
                if (o.configName().equals(name)) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    /** Validates the bounds. */
    public TunnelsConfig {
        Objects.requireNonNull(onCutover, "on_cutover");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(closeTimeout, "close_timeout");
        Objects.requireNonNull(idleTimeout, "idle_timeout");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace: " + grace.toMillis() + "ms (expected: >= 0)");
        }
        if (closeTimeout.isNegative() || closeTimeout.isZero() || closeTimeout.toMillis() > 60_000) {
            throw new IllegalArgumentException("close_timeout: " + closeTimeout.toMillis() + "ms (expected: > 0 and <= 60s)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle_timeout: " + idleTimeout.toMillis() + "ms (expected: > 0)");
        }
    }
}
