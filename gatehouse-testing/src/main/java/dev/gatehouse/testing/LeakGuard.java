package dev.gatehouse.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Turns Netty's ByteBuf leak reports into test failures.
 *
 * <p>Netty notices a leak only when a tracked buffer has been garbage-collected unreleased, and
 * reports it only during a later tracked allocation, as an ERROR log line starting {@code LEAK:}.
 * So {@link #check(String)} collects garbage, waits until the collected references have been
 * enqueued, allocates a few tracked buffers so the detector reports, and then fails if
 * {@link LeakRecordingAppender} recorded anything. Run tests with
 * {@code -Dio.netty.leakDetection.level=paranoid} so that every buffer is tracked.
 *
 * <p>Why a log appender rather than {@code ResourceLeakDetector.setLeakListener}: a listener
 * belongs to one detector instance, and the ByteBuf detector is a package-private static of
 * {@code AbstractByteBuf}, created when that class loads; reaching it takes reflection or a custom
 * {@code ResourceLeakDetectorFactory} installed before any buffer class loads. The log line is
 * public behaviour, covers every detector (buffers, timers, ...) and also lands in the surefire
 * output that {@code bin/test} scans.
 */
public final class LeakGuard {

    /** The logger Netty's leak detector reports on. */
    public static final String LEAK_LOGGER = "io.netty.util.ResourceLeakDetector";

    private static final String APPENDER_NAME = "GATEHOUSE_LEAK_GUARD";
    private static final int GC_ROUNDS = 2;

    private LeakGuard() {
    }

    /**
     * Makes sure leak reports reach a {@link LeakRecordingAppender}: attaches one to
     * {@value #LEAK_LOGGER} unless the Logback configuration already routes that logger to one,
     * and makes sure the logger is enabled for ERROR (Netty skips reporting otherwise).
     * Idempotent and cheap; does nothing when SLF4J is not bound to Logback.
     */
    public static void install() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        ch.qos.logback.classic.Logger logger = context.getLogger(LEAK_LOGGER);
        synchronized (LeakGuard.class) {
            if (!reachesRecorder(context)) {
                LeakRecordingAppender appender = new LeakRecordingAppender();
                appender.setContext(context);
                appender.setName(APPENDER_NAME);
                appender.start();
                logger.addAppender(appender);
            }
            if (!logger.isErrorEnabled()) {
                logger.setLevel(Level.ERROR);
            }
        }
    }

    /**
     * Collects garbage and allocates tracked buffers, so that Netty reports every leaked buffer
     * that is already unreachable.
     */
    public static void provokeReports() {
        for (int round = 0; round < GC_ROUNDS; round++) {
            collectGarbage();
            allocateTrackedBuffers();
        }
    }

    /**
     * Returns the leak reports recorded and not yet checked or cleared.
     *
     * @return the reports, oldest first
     */
    public static List<String> leaks() {
        return LeakRecordingAppender.recorded();
    }

    /** Forgets the recorded reports, e.g. after a test that leaked on purpose. */
    public static void clear() {
        LeakRecordingAppender.clear();
    }

    /**
     * Provokes reports and fails if any leak was recorded; the reports are cleared either way,
     * so each leak fails one check only.
     *
     * @param when what just finished, for the message, e.g. {@code "after test foo()"}
     * @throws AssertionError naming the leaks
     */
    public static void check(String when) {
        install();
        provokeReports();
        List<String> leaks = LeakRecordingAppender.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s), detected " + when
                    + " (the leak may come from an earlier test in the same JVM):"
                    + System.lineSeparator() + String.join(System.lineSeparator() + System.lineSeparator(), leaks));
        }
    }

    private static boolean reachesRecorder(LoggerContext context) {
        String name = LEAK_LOGGER;
        while (true) {
            ch.qos.logback.classic.Logger logger = context.exists(name);
            if (logger != null) {
                for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = logger.iteratorForAppenders();
                        it.hasNext(); ) {
                    Appender<?> appender = it.next();
                    if (appender instanceof LeakRecordingAppender && appender.isStarted()) {
                        return true;
                    }
                }
                if (!logger.isAdditive()) {
                    return false;
                }
            }
            if (name.equals(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
                return false;
            }
            int dot = name.lastIndexOf('.');
            name = dot < 0 ? org.slf4j.Logger.ROOT_LOGGER_NAME : name.substring(0, dot);
        }
    }

    /**
     * Runs a collection and waits until the reference handler has processed it, judged by a
     * sentinel weak reference of our own being enqueued (no sleeping a guessed time).
     */
    private static void collectGarbage() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        try {
            for (int attempt = 0; attempt < 10; attempt++) {
                System.gc();
                if (queue.remove(100) != null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Reference.reachabilityFence(sentinel);
        }
    }

    /**
     * The detector drains its queue of collected buffers only when it tracks a new one; at
     * sampled levels only one allocation in {@code io.netty.leakDetection.samplingInterval}
     * (128) is tracked, so allocate enough to hit one.
     */
    private static void allocateTrackedBuffers() {
        int n = ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID ? 2 : 1024;
        for (int i = 0; i < n; i++) {
            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(8);
            direct.release();
            ByteBuf byDefault = ByteBufAllocator.DEFAULT.buffer(8);
            byDefault.release();
        }
    }
}
