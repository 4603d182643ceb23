package dev.gatehouse.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ticket key rotation: counted on the monotonic clock, and never waiting for a reload. */
final class TicketRotationTest {

    @TempDir
    Path dir;

    private TlsListeners load(AtomicLong nanos) throws Exception {
        TestPki pki = new TestPki(dir);
        Path[] site = pki.write(pki.leaf(90, "site.test"), "site");
        GatehouseConfig config = ConfigLoader.parse("""
                listeners:
                  - bind: 127.0.0.1:0
                    tls:
                      certificates: [ { cert: "%s", key: "%s" } ]
                      session_tickets: { rotate: 10m }
                    routes: [ { pool: web } ]
                pools:
                  web: { backends: [ "127.0.0.1:1" ] }
                admin: false
                """.formatted(site[0], site[1]), name -> null);
        return TlsListeners.load(config, l -> true, new SimpleMeterRegistry(), Clock.systemUTC(), nanos::get);
    }

    @Test
    void rotatesWhenThePeriodHasPassedOnTheMonotonicClock() throws Exception {
        AtomicLong nanos = new AtomicLong(-5_000_000_000L);
        TlsListeners tls = load(nanos);
        tls.rotation().rotateDue();
        assertThat(tls.listener(0).ticketKeys()).isEqualTo(1);
        nanos.addAndGet(Duration.ofMinutes(10).toNanos() - 1);
        tls.rotation().rotateDue();
        assertThat(tls.listener(0).ticketKeys()).as("a nanosecond early").isEqualTo(1);
        nanos.incrementAndGet();
        tls.rotation().rotateDue();
        assertThat(tls.listener(0).ticketKeys()).isEqualTo(2);
    }

    @Test
    void rotationDoesNotWaitForTheReloadLock() throws Exception {
        AtomicLong nanos = new AtomicLong();
        TlsListeners tls = load(nanos);
        nanos.addAndGet(Duration.ofMinutes(10).toNanos());
        // A reload holds this lock while it reads files and builds contexts; the rotation must not wait for it.
        synchronized (tls) {
            CompletableFuture<Void> rotation = CompletableFuture.runAsync(tls.rotation()::rotateDue);
            rotation.get(5, TimeUnit.SECONDS);
        }
        assertThat(tls.listener(0).ticketKeys()).isEqualTo(2);
    }
}
