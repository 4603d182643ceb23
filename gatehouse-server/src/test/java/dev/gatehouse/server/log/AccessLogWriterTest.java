package dev.gatehouse.server.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batching access log writer: every line once and whole, soon after it is logged; a stream that fails or stalls costs lines, never the caller. */
final class AccessLogWriterTest {

    @TempDir
    Path dir;

    @Test
    void linesFromManyThreads_allArrive_whole_andOnce() throws Exception {
        Path file = dir.resolve("access.log");
        AccessLogWriter w = AccessLogWriter.start(new FileOutputStream(file.toFile(), true), true, "test-writer");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5_000; i++) {
                    w.write("{\"thread\":" + id + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 300) + "\"}");
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        w.close();
        List<String> lines = Files.readAllLines(file);
        assertThat(w.dropped()).isZero();
        assertThat(lines).hasSize(20_000);
        Set<String> seen = new HashSet<>();
        for (String line : lines) {
            assertThat(line).startsWith("{\"thread\":").endsWith("\"}");
            assertThat(seen.add(line)).as("written once: %s", line).isTrue();
        }
    }

    @Test
    void aLine_isWrittenSoon_withoutClose() throws Exception {
        Path file = dir.resolve("soon.log");
        try (AccessLogWriter w = AccessLogWriter.start(new FileOutputStream(file.toFile(), true), true, "test-writer")) {
            w.write("{\"first\":1}");
            await().atMost(Duration.ofSeconds(2)).until(() -> Files.readString(file).equals("{\"first\":1}\n"));
            // After an idle spell the writer sleeps longer, still at most MAX_WAIT_MILLIS.
            Thread.sleep(AccessLogWriter.MAX_WAIT_MILLIS * 3);
            w.write("{\"second\":2}");
            await().atMost(Duration.ofSeconds(2)).until(() -> Files.readString(file).endsWith("{\"second\":2}\n"));
        }
    }

    @Test
    void aStalledStream_dropsAndCountsLines_theCallerNeverBlocks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong newlines = new java.util.concurrent.atomic.AtomicLong();
        OutputStream stalled = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        newlines.incrementAndGet();
                    }
                }
            }
        };
        AccessLogWriter w = AccessLogWriter.start(stalled, true, "test-writer");
        int total = 2 * AccessLogWriter.CAPACITY;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            w.write("{\"i\":" + i + "}");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(w.dropped()).isPositive();
        release.countDown();
        w.close();
        // Every line is either written or counted as dropped.
        assertThat(newlines.get() + w.dropped()).isEqualTo(total);
    }

    @Test
    void aFailingStream_losesItsLines_andTheWriterGoesOn() throws Exception {
        List<String> written = new ArrayList<>();
        boolean[] fail = {true};
        OutputStream flaky = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                if (fail[0]) {
                    throw new IOException("disk full");
                }
                written.add(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
            }
        };
        try (AccessLogWriter w = AccessLogWriter.start(flaky, true, "test-writer")) {
            w.write("{\"lost\":1}");
            Thread.sleep(50);
            synchronized (flaky) {
                fail[0] = false;
            }
            w.write("{\"kept\":2}");
            await().atMost(Duration.ofSeconds(2)).until(() -> {
                synchronized (flaky) {
                    return String.join("", written).contains("{\"kept\":2}\n");
                }
            });
        }
    }
}
