package dev.gatehouse.core.tunnel;

import dev.gatehouse.core.config.HostPort;

/**
 * How many tunnels (WebSockets and other upgrades) are open, for views, metrics, and the strict
 * hold and drain of a cutover. Implementations are thread-safe and cheap enough to ask every few
 * milliseconds.
 */
public interface TunnelCounts {

    /** Counts none: a node without tunnels, or a view that does not show them. */
    TunnelCounts NONE = new TunnelCounts() {
        @Override
        public long open(String pool, HostPort backend, String version) {
            return 0;
        }

        @Override
        public long ofVersion(String pool, String version) {
            return 0;
        }

        @Override
        public long holdingSlots(String pool, String version) {
            return 0;
        }
    };

    /** Open tunnels of {@code pool} to {@code backend} as a backend of {@code version}. */
    long open(String pool, HostPort backend, String version);

    /** Open tunnels of {@code pool} to backends of {@code version}: what a deploy waits for. */
    long ofVersion(String pool, String version);

    /**
     * Of those, the tunnels that kept their backend slot when they opened ({@code tunnels.hold_slot}
     * then): they count in flight, and a strict hold must not wait for them.
     */
    long holdingSlots(String pool, String version);
}
