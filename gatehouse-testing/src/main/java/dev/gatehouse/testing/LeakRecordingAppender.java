package dev.gatehouse.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A Logback appender that records every event whose message contains {@code "LEAK:"}, which is how
 * Netty's {@code ResourceLeakDetector} reports a buffer that was garbage-collected unreleased (at
 * ERROR, on logger {@code io.netty.util.ResourceLeakDetector}). {@link LeakGuard} reads the
 * records.
 *
 * <p>The records are static: Logback creates appender instances from its configuration, and the
 * guard must see what any of them recorded.
 *
 * <p>Attach it with {@code <include resource="gatehouse-logback-test.xml"/>} in a module's
 * {@code logback-test.xml}; {@link LeakGuard#install()} attaches one itself when it finds none.
 */
public final class LeakRecordingAppender extends AppenderBase<ILoggingEvent> {

    /** The marker Netty puts in front of every leak report. */
    public static final String LEAK_MARKER = "LEAK:";

    private static final Queue<String> RECORDED = new ConcurrentLinkedQueue<>();

    /** Creates an appender; Logback calls this for {@code <appender class="...">}. */
    public LeakRecordingAppender() {
    }

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message == null || !message.contains(LEAK_MARKER)) {
            return;
        }
        StringBuilder report = new StringBuilder(event.getLoggerName()).append(": ").append(message);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            report.append(System.lineSeparator()).append(thrown.getClassName()).append(": ").append(thrown.getMessage());
        }
        RECORDED.add(report.toString());
    }

    /**
     * Returns the leak reports recorded so far, oldest first.
     *
     * @return a snapshot copy
     */
    public static List<String> recorded() {
        return List.copyOf(RECORDED);
    }

    /** Forgets the recorded reports. */
    public static void clear() {
        RECORDED.clear();
    }

    /** Removes and returns the recorded reports, so none is reported twice. */
    static List<String> drain() {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        String report;
        while ((report = RECORDED.poll()) != null) {
            out.add(report);
        }
        return out;
    }
}
