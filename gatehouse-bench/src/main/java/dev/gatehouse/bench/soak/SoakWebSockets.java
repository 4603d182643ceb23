package dev.gatehouse.bench.soak;

import dev.gatehouse.bench.chaos.ChaosMonkey;
import dev.gatehouse.bench.chaos.WallClock;
import dev.gatehouse.testing.WebSocketClose;
import dev.gatehouse.testing.WebSocketHandshakeFailedException;
import dev.gatehouse.testing.WebSocketMessage;
import dev.gatehouse.testing.WebSocketTestClient;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's WebSockets: {@code slots} sessions open through the node at any time, each opened,
 * used and closed over and over until the run ends. A session lives for a time drawn from
 * {@code life}; meanwhile, every {@code gap} it sends a message (text of 1 to 4096 characters, or
 * one time in five binary of 1 byte to 64 KiB) and waits for its echo, compared byte for byte; at
 * the end of its life it sends Close 1000 and waits for the answering Close. The slots start
 * spread over the first mean lifetime, so that opens and closes are spread over the run.
 *
 * <p>Counted in the {@link Tally} as {@code ws-open} (a 101), {@code ws-message} (an echo) and
 * {@code ws-close} (Close 1000 answered), and as {@code ws-session} failures when the connection
 * ended under a live session (a backend restart does that: the node cannot move a WebSocket to
 * another backend). Each session runs on a virtual thread of its own; the test client it uses
 * ({@link WebSocketTestClient}) has its own I/O thread while it is open.
 */
final class SoakWebSockets {

    private static final byte[] LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            .getBytes(StandardCharsets.US_ASCII);

    private final int port;
    private final int slots;
    private final ChaosMonkey.Range life;
    private final ChaosMonkey.Range gap;
    private final Duration timeout;
    private final long seed;
    private final Tally tally;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger sequence = new AtomicInteger();

    SoakWebSockets(int port, int slots, ChaosMonkey.Range life, ChaosMonkey.Range gap, Duration timeout, long seed,
                   Tally tally) {
        this.port = port;
        this.slots = slots;
        this.life = life;
        this.gap = gap;
        this.timeout = timeout;
        this.seed = seed;
        this.tally = tally;
    }

    /** Sessions open right now (handshake done, not closed yet). */
    int open() {
        return open.get();
    }

    /** Runs the slots from {@code startNanos} to {@code endNanos}; returns when every session has ended. */
    void run(long startNanos, long endNanos) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        long spread = (long) ((life.min() + life.max()) / 2 * 1e9 / Math.max(1, slots));
        for (int s = 0; s < slots; s++) {
            int slot = s;
            long first = startNanos + s * spread;
            threads.add(Thread.ofVirtual().name("soak-ws-" + s).start(() -> slot(slot, first, endNanos)));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private void slot(int slot, long firstNanos, long endNanos) {
        SplittableRandom random = new SplittableRandom(seed * 7919L + slot);
        parkUntil(firstNanos);
        while (System.nanoTime() < endNanos) {
            session(random, endNanos);
            // A short pause between two sessions of a slot, as a client reconnecting would make.
            parkUntil(Math.min(endNanos, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextInt(1000))));
        }
    }

    private void session(SplittableRandom random, long endNanos) {
        String path = "/ws/soak-" + sequence.incrementAndGet();
        WebSocketTestClient c;
        try {
            c = WebSocketTestClient.connect("ws://127.0.0.1:" + port + path, WebSocketTestClient.options().timeout(timeout));
        } catch (WebSocketHandshakeFailedException e) {
            tally.fail(WallClock.micros(), "ws-open", "handshake answered " + e.status(), path + " " + e.getMessage());
            return;
        } catch (UncheckedIOException | IllegalStateException e) {
            tally.fail(WallClock.micros(), "ws-open", "no handshake (" + e.getClass().getSimpleName() + ")",
                    path + " " + e.getMessage());
            return;
        }
        open.incrementAndGet();
        try {
            tally.ok("ws-open");
            String backend = c.handshakeHeader("X-Backend");
            long lifeEnd = Math.min(endNanos, System.nanoTime() + life.drawNanos(random));
            while (true) {
                long next = System.nanoTime() + gap.drawNanos(random);
                if (next >= lifeEnd) {
                    parkUntil(lifeEnd);
                    break;
                }
                parkUntil(next);
                if (!exchange(c, random, path, backend)) {
                    return;
                }
            }
            if (!c.isOpen()) {
                dropped(c, path, backend);
                return;
            }
            close(c, path, backend);
        } finally {
            open.decrementAndGet();
            c.close();
        }
    }

    /** One message and its echo; false when the session is over (the failure is counted). */
    private boolean exchange(WebSocketTestClient c, SplittableRandom random, String path, String backend) {
        if (!c.isOpen()) {
            dropped(c, path, backend);
            return false;
        }
        boolean binary = random.nextInt(5) == 0;
        byte[] data = new byte[1 + random.nextInt(binary ? 64 * 1024 : 4096)];
        if (binary) {
            random.nextBytes(data);
        } else {
            for (int i = 0; i < data.length; i++) {
                data[i] = LETTERS[random.nextInt(LETTERS.length)];
            }
        }
        try {
            if (binary) {
                c.sendBinary(data);
            } else {
                c.sendText(new String(data, StandardCharsets.US_ASCII));
            }
        } catch (UncheckedIOException | IllegalStateException e) {
            dropped(c, path, backend);
            return false;
        }
        WebSocketMessage echo;
        try {
            echo = c.awaitMessage(timeout);
        } catch (AssertionError e) {
            if (!c.isOpen()) {
                dropped(c, path, backend);
            } else {
                tally.fail(WallClock.micros(), "ws-message", "no echo within " + timeout.toSeconds() + " s",
                        path + " via " + backend);
            }
            return false;
        }
        WebSocketMessage.Type type = binary ? WebSocketMessage.Type.BINARY : WebSocketMessage.Type.TEXT;
        if (echo.type() != type || !Arrays.equals(echo.data(), data)) {
            tally.fail(WallClock.micros(), "ws-message", "echo differs", path + " via " + backend + ": sent "
                    + data.length + " bytes " + type + ", got " + echo);
            return false;
        }
        tally.ok("ws-message");
        return true;
    }

    private void close(WebSocketTestClient c, String path, String backend) {
        try {
            c.sendClose(1000, "done");
            WebSocketClose closed = c.awaitClose(timeout);
            if (closed.code() == 1000 && closed.closeFrameReceived()) {
                tally.ok("ws-close");
            } else {
                tally.fail(WallClock.micros(), "ws-close", "answered with " + closed.code(),
                        path + " via " + backend + ": " + closed);
            }
        } catch (UncheckedIOException | IllegalStateException | AssertionError e) {
            tally.fail(WallClock.micros(), "ws-close", "no answering Close", path + " via " + backend + ": " + e.getMessage());
        }
    }

    /** The connection ended under a live session: counted with the close code the client saw. */
    private void dropped(WebSocketTestClient c, String path, String backend) {
        String how;
        try {
            WebSocketClose closed = c.awaitClose(Duration.ofSeconds(1));
            how = closed.closeFrameReceived() ? "closed by the other side with " + closed.code()
                    : "connection closed without a Close frame";
        } catch (AssertionError e) {
            how = "connection failed while open";
        }
        tally.fail(WallClock.micros(), "ws-session", how, path + " via " + backend);
    }

    private static void parkUntil(long deadline) {
        long now;
        while ((now = System.nanoTime()) < deadline) {
            LockSupport.parkNanos(deadline - now);
        }
    }
}
