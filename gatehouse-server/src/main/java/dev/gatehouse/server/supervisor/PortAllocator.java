package dev.gatehouse.server.supervisor;

import dev.gatehouse.core.config.PortRange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Hands out ports for instances: the lowest ports of an app's range that no supervised instance
 * holds and that nothing else listens on. A port stays taken until its instance is stopped, so an
 * instance restarts on the same port and two versions never get the same one.
 *
 * <p>Whether something else listens is checked by binding the port on the wildcard address for a
 * moment, with SO_REUSEADDR, so that connections of an earlier process still in TIME_WAIT do not
 * count as in use. Another program may still take a port between the check and the app's own
 * bind: the app then fails to start and is restarted with backoff on the same port.
 *
 * <p>Not thread-safe: used on the supervisor's thread.
 */
final class PortAllocator {

    private final IntPredicate free;
    private final Set<Integer> taken = new HashSet<>();

    /** Checks ports by binding them. */
    PortAllocator() {
        this(PortAllocator::bindable);
    }

    /** Checks ports with {@code free} (tests). */
    PortAllocator(IntPredicate free) {
        this.free = free;
    }

    /**
     * Takes {@code n} ports from the range, lowest first.
     *
     * @param who names the instances in the message, e.g. {@code web v42}
     * @throws IOException when fewer than {@code n} are free; nothing is taken then
     */
    List<Integer> take(PortRange range, int n, String who) throws IOException {
        List<Integer> ports = new ArrayList<>(n);
        int inUse = 0;
        for (int port = range.from(); port <= range.to() && ports.size() < n; port++) {
            if (taken.contains(port)) {
                continue;
            }
            if (free.test(port)) {
                ports.add(port);
            } else {
                inUse++;
            }
        }
        if (ports.size() < n) {
            throw new IOException(who + ": " + ports.size() + " free ports in " + range + " (expected: " + n
                    + "; " + inUse + " in use by other programs, " + countTaken(range) + " held by supervised instances)");
        }
        taken.addAll(ports);
        return ports;
    }

    /** Gives a port back: its instance stopped or failed. */
    void release(int port) {
        taken.remove(port);
    }

    private long countTaken(PortRange range) {
        return taken.stream().filter(range::contains).count();
    }

    /** Whether nothing listens on the port: binding it on the wildcard address works. */
    static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
