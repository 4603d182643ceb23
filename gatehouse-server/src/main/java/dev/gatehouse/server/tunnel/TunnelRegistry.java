package dev.gatehouse.server.tunnel;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.tunnel.TunnelCounts;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The open tunnels of a node, shared by all event loops: counts by pool, backend and version for
 * status and metrics, and the way a deploy or drain ends the tunnels it no longer wants.
 *
 * <p>Lock-light: a tunnel's open and end each update one concurrent set and one count (bins of a
 * {@link ConcurrentHashMap}, held for a few instructions), nothing per byte. Counts are kept per
 * (pool, backend, version) and summed on read; a group is removed when its count reaches zero, so
 * versions long gone leave nothing behind.
 */
public final class TunnelRegistry implements TunnelCounts {

    private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<TunnelInfo, Long> counts = new ConcurrentHashMap<>();

    /** Creates an empty registry. */
    public TunnelRegistry() {
    }

    void register(Tunnel tunnel) {
        if (open.add(tunnel)) {
            counts.merge(tunnel.info(), 1L, Long::sum);
        }
    }

    void remove(Tunnel tunnel) {
        if (open.remove(tunnel)) {
            counts.computeIfPresent(tunnel.info(), (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Open tunnels in all. */
    public int size() {
        return open.size();
    }

    /** Open tunnels to backends of {@code version} in {@code pool}. */
    public long count(String pool, String version) {
        return sum(i -> i.pool().equals(pool) && i.version().equals(version));
    }

    /** Open tunnels of {@code pool}. */
    public long countByPool(String pool) {
        return sum(i -> i.pool().equals(pool));
    }

    @Override
    public long open(String pool, HostPort backend, String version) {
        return sum(i -> i.pool().equals(pool) && i.backend().equals(backend) && i.version().equals(version));
    }

    @Override
    public long ofVersion(String pool, String version) {
        return count(pool, version);
    }

    @Override
    public long holdingSlots(String pool, String version) {
        return sum(i -> i.holdsSlot() && i.pool().equals(pool) && i.version().equals(version));
    }

    /** Open tunnels to {@code backend}. */
    public long countByBackend(HostPort backend) {
        return sum(i -> i.backend().equals(backend));
    }

    /** Open tunnels per (pool, backend, version), for metrics; groups with none are left out. */
    public Map<TunnelInfo, Long> counts() {
        return Map.copyOf(counts);
    }

    /** A snapshot of the open tunnels. */
    public List<Tunnel> tunnels() {
        return List.copyOf(open);
    }

    /**
     * Closes gracefully every open tunnel that {@code which} selects (see
     * {@link Tunnel#closeGracefully}); returns at once, the closes run on the tunnels' loops.
     *
     * @return how many tunnels were asked to close
     */
    public int closeWhere(Predicate<? super Tunnel> which, int code, String reason) {
        CloseFrames.checkCode(code);
        int n = 0;
        for (Tunnel t : open) {
            if (t.isOpen() && which.test(t)) {
                t.closeGracefully(code, reason);
                n++;
            }
        }
        return n;
    }

    private long sum(Predicate<TunnelInfo> which) {
        long n = 0;
        for (Map.Entry<TunnelInfo, Long> e : counts.entrySet()) {
            if (which.test(e.getKey())) {
                n += e.getValue();
            }
        }
        return n;
    }
}
