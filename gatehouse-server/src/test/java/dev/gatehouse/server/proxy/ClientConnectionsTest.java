package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The drain's budget as a connection told to drain sees it: what is left, not the whole. */
final class ClientConnectionsTest {

    @Test
    void drainNanosLeft_isTheDrainLessTheTimeSinceItBegan_andNeverNegative() {
        AtomicLong now = new AtomicLong(1_000);
        ClientConnections connections = new ClientConnections(now::get);
        connections.drain(false, Duration.ofSeconds(10));
        assertThat(connections.drainNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(connections.drainNanosLeft()).isEqualTo(Duration.ofSeconds(10).toNanos());

        now.addAndGet(Duration.ofSeconds(7).toNanos());
        assertThat(connections.drainNanosLeft()).isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(connections.drainNanos()).as("the whole drain, unchanged").isEqualTo(Duration.ofSeconds(10).toNanos());

        now.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(connections.drainNanosLeft()).isZero();
    }
}
