package dev.gatehouse.server.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.config.PortRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import org.junit.jupiter.api.Test;

final class PortAllocatorTest {

    private static final PortRange RANGE = new PortRange(8001, 8008);

    @Test
    void take_skipsPortsInUseAndPortsAlreadyTaken() throws IOException {
        Set<Integer> inUse = Set.of(8001, 8003);
        PortAllocator ports = new PortAllocator(p -> !inUse.contains(p));

        assertThat(ports.take(RANGE, 2, "web v1")).containsExactly(8002, 8004);
        assertThat(ports.take(RANGE, 2, "web v2")).containsExactly(8005, 8006);
    }

    @Test
    void release_makesAPortAvailableAgain() throws IOException {
        PortAllocator ports = new PortAllocator(p -> true);
        ports.take(RANGE, 3, "web v1");

        ports.release(8002);

        assertThat(ports.take(RANGE, 2, "web v2")).containsExactly(8002, 8004);
    }

    @Test
    void take_withTooFewFreePorts_failsAndTakesNothing() throws IOException {
        Set<Integer> inUse = Set.of(8001, 8002, 8003, 8004, 8005);
        PortAllocator ports = new PortAllocator(p -> !inUse.contains(p));
        ports.take(RANGE, 1, "web v1");

        assertThatThrownBy(() -> ports.take(RANGE, 3, "web v2")).isInstanceOf(IOException.class)
                .hasMessage("web v2: 2 free ports in 8001-8008 (expected: 3; 5 in use by other programs, 1 held by supervised instances)");
        assertThat(ports.take(RANGE, 2, "web v2")).containsExactly(8007, 8008);
    }

    @Test
    void bindable_seesAListenerOnLoopbackOnly() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = listener.getLocalPort();
            assertThat(PortAllocator.bindable(port)).isFalse();
            listener.close();
            assertThat(PortAllocator.bindable(port)).isTrue();
        }
    }

    @Test
    void bindable_seesAListenerOnTheWildcardAddress() throws IOException {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(0));
            assertThat(PortAllocator.bindable(listener.getLocalPort())).isFalse();
        }
    }
}
