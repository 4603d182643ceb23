package dev.gatehouse.core.tunnel;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.state.PoolSnapshot;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What of a pool's other versions is still open while a version takes over: the requests a strict
 * hold waits for, and the tunnels a deploy's drain waits for. One rule for the deployer and the
 * control plane's cutover.
 */
public final class OldVersions {

    private OldVersions() {
    }

    /**
     * Requests in flight on backends of versions other than {@code version}. A tunnel that kept its
     * slot counts in flight in the backend's load, but is not a request: a strict hold must not wait
     * for it (it ends by the pool's tunnel policy after the switch), so those are taken out.
     */
    public static int requestsInFlight(PoolSnapshot pool, String version, TunnelCounts tunnels) {
        long n = 0;
        for (Member m : pool.members()) {
            if (!m.backend().version().equals(version)) {
                n += m.load().inFlight();
            }
        }
        for (String v : others(pool, version)) {
            // Only tunnels that did keep a slot: the pool's setting may have changed since they opened.
            n -= tunnels.holdingSlots(pool.name(), v);
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
    }

    /** Tunnels open to backends of versions other than {@code version}. */
    public static int openTunnels(PoolSnapshot pool, String version, TunnelCounts tunnels) {
        long n = 0;
        for (String v : others(pool, version)) {
            n += tunnels.ofVersion(pool.name(), v);
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static Set<String> others(PoolSnapshot pool, String version) {
        Set<String> versions = new LinkedHashSet<>();
        for (Member m : pool.members()) {
            if (!m.backend().version().equals(version)) {
                versions.add(m.backend().version());
            }
        }
        return versions;
    }
}
