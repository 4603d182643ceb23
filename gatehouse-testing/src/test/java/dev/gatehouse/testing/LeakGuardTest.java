package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

final class LeakGuardTest {

    private Logger leakLogger;
    private boolean leakLoggerAdditive;

    @BeforeEach
    void keepTheDeliberateLeakOffTheConsole() {
        // bin/test fails the build on any "LEAK:" in the test output; the recording appender sits
        // on the leak logger itself, so it still sees the report.
        leakLogger = (Logger) LoggerFactory.getLogger(LeakGuard.LEAK_LOGGER);
        leakLoggerAdditive = leakLogger.isAdditive();
        leakLogger.setAdditive(false);
        LeakGuard.install();
    }

    @AfterEach
    void forgetTheDeliberateLeak() {
        // Runs before LeakGuardExtension's check, which would otherwise fail this class.
        LeakGuard.clear();
        leakLogger.setAdditive(leakLoggerAdditive);
    }

    @Test
    void leakDetection_runsParanoidInTheseTests() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void check_failsWithTheLeakReport() {
        leakOneBuffer();

        // The detector reports only after a collection; a check collects, but give it a few tries.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            LeakGuard.provokeReports();
            return !LeakGuard.leaks().isEmpty();
        });

        assertThat(LeakGuard.leaks()).anySatisfy(report -> assertThat(report)
                .contains("LEAK:")
                .contains("leakOneBuffer"));
        assertThatThrownBy(() -> LeakGuard.check("after the deliberate leak"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leak(s), detected after the deliberate leak")
                .hasMessageContaining("LEAK:");
        assertThat(LeakGuard.leaks()).isEmpty();
    }

    @Test
    void check_passesWhenNothingLeaked() {
        ByteBufAllocator.DEFAULT.directBuffer(16).release();

        LeakGuard.check("after a clean test");
    }

    /** In its own frame, so the buffer is unreachable once it returns; the name shows in the report. */
    private static void leakOneBuffer() {
        ByteBufAllocator.DEFAULT.directBuffer(64).writeLong(42);
    }
}
