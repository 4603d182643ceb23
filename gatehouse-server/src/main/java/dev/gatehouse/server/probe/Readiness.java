package dev.gatehouse.server.probe;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.health.BackendState;
import dev.gatehouse.core.state.PoolSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/**
 * How many of a deploy's new backends are ready to serve, as this node sees them: with the pool's
 * active checks, those the checks find healthy (or slow-starting); without, those that accept a
 * TCP connection within 500 ms. Blocking (the connects): never on an event loop.
 */
public final class Readiness {

    private Readiness() {
    }

    /** The backends of {@code backends} registered in {@code pool} and ready. */
    public static int healthy(PoolSnapshot pool, List<HostPort> backends) {
        int n = 0;
        boolean checked = pool.config().health().check() != null;
        for (HostPort address : backends) {
            Member m = member(pool, address);
            if (m == null) {
                continue;
            }
            if (checked) {
                var status = pool.health().status(m);
                if (status != null && (status.state() == BackendState.HEALTHY || status.state() == BackendState.SLOW_STARTING)) {
                    n++;
                }
            } else if (accepts(address)) {
                n++;
            }
        }
        return n;
    }

    /** The member of {@code p} at {@code address}, or null. */
    public static Member member(PoolSnapshot p, HostPort address) {
        for (Member m : p.members()) {
            if (m.backend().address().equals(address)) {
                return m;
            }
        }
        return null;
    }

    private static boolean accepts(HostPort address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.host(), address.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
