package dev.gatehouse.server.restart;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listening sockets a new process received from the process it replaces, each with the role it
 * had there ({@code listener:0}, {@code listener:1}, ..., {@code admin}) and the address it is
 * bound to. The new process claims each for the listener of its own config at the same address;
 * a listener whose config asks for port 0 claims the socket of the same role and host instead.
 * What no listener claims is closed by {@link #closeUnclaimed()}: a listener removed from the
 * config stops listening. Not thread-safe: used by the starting thread only.
 */
public final class InheritedListeners {

    private static final Logger LOG = LoggerFactory.getLogger(InheritedListeners.class);

    /** None: every listener binds anew. */
    public static final InheritedListeners NONE = new InheritedListeners(List.of());

    /**
     * One received socket.
     *
     * @param role    what it was in the old process
     * @param fd      the file descriptor in this process
     * @param address the address it is bound to
     */
    public record Socket(String role, int fd, InetSocketAddress address) {
        public Socket {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(address, "address");
        }
    }

    private final List<Socket> unclaimed;

    /** @param sockets the sockets received, in any order */
    public InheritedListeners(List<Socket> sockets) {
        this.unclaimed = new ArrayList<>(sockets);
    }

    /** The role of proxy listener {@code index} (in config order). */
    public static String listenerRole(int index) {
        return "listener:" + index;
    }

    /** The role of the admin listener. */
    public static final String ADMIN = "admin";

    /**
     * Takes the socket for a listener configured at {@code wanted}: the one bound to that address,
     * or, when {@code wanted} has port 0, the one of the same role bound to the same host.
     *
     * @return its file descriptor, now owned by the caller; empty when it must bind anew
     */
    public OptionalInt claim(String role, InetSocketAddress wanted) {
        for (int i = 0; i < unclaimed.size(); i++) {
            Socket s = unclaimed.get(i);
            if (matches(s, role, wanted)) {
                unclaimed.remove(i);
                LOG.info("{}: took over the listening socket on {} from the previous process", role, s.address());
                return OptionalInt.of(s.fd());
            }
        }
        return OptionalInt.empty();
    }

    static boolean matches(Socket s, String role, InetSocketAddress wanted) {
        if (wanted.getPort() != 0) {
            return s.address().getPort() == wanted.getPort() && sameHost(s.address(), wanted);
        }
        return s.role().equals(role) && sameHost(s.address(), wanted);
    }

    private static boolean sameHost(InetSocketAddress a, InetSocketAddress b) {
        if (a.getAddress() == null || b.getAddress() == null) {
            return Objects.equals(a.getHostString(), b.getHostString());
        }
        if (a.getAddress().isAnyLocalAddress() && b.getAddress().isAnyLocalAddress()) {
            // 0.0.0.0 and :: both mean "every address" to an operator; the kernel reports either.
            return true;
        }
        return a.getAddress().equals(b.getAddress());
    }

    /** Whether no socket is left to claim. */
    public boolean isEmpty() {
        return unclaimed.isEmpty();
    }

    /**
     * Closes the sockets no listener claimed: their addresses are gone from the config. Connections
     * waiting in their queues are refused, as they would be by a restart of any kind.
     */
    public void closeUnclaimed() {
        for (Socket s : unclaimed) {
            LOG.info("{} on {} is not in the config any more: closed", s.role(), s.address());
            try {
                new io.netty.channel.unix.FileDescriptor(s.fd()).close();
            } catch (IOException e) {
                LOG.debug("closing inherited socket {}: {}", s.fd(), e.toString());
            }
        }
        unclaimed.clear();
    }
}
