package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.server.log.AccessRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's access log goes to the configured file through the batching writer; a file that cannot be opened is a clear error. */
final class LoggingTest {

    @TempDir
    Path dir;

    @AfterEach
    void backToTheLogger() {
        AccessLog.closeWriter();
    }

    private static AccessRecord record(String requestId) {
        return new AccessRecord(0, requestId, null, "127.0.0.1", "GET", "/", 200, 0, 5, 1000, 0, 900, "web",
                "127.0.0.1:8080", "v1", 1, 0, null, "h1", null, null, null);
    }

    @Test
    void aFilePath_getsEveryLine_appended() throws Exception {
        Path file = dir.resolve("access.log");
        Files.writeString(file, "an earlier line\n");
        Logging.configureAccessLog(new AccessLogConfig(true, file.toString()));
        AccessLog log = AccessLog.create(true);
        log.log(record("r-1"));
        log.log(record("r-2"));
        AccessLog.closeWriter();
        assertThat(Files.readAllLines(file)).hasSize(3).first().isEqualTo("an earlier line");
        assertThat(Files.readString(file)).contains("\"request_id\":\"r-1\"").contains("\"request_id\":\"r-2\"");
    }

    @Test
    void aFileThatCannotBeOpened_isAClearError() {
        Path missing = dir.resolve("no-such-dir").resolve("access.log");
        assertThatThrownBy(() -> Logging.configureAccessLog(new AccessLogConfig(true, missing.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot open the access log file " + missing);
    }

    @Test
    void configuringAgain_closesTheFirstWriter_andTheSecondFileGetsTheLines() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        Logging.configureAccessLog(new AccessLogConfig(true, first.toString()));
        AccessLog.create(true).log(record("to-first"));
        Logging.configureAccessLog(new AccessLogConfig(true, second.toString()));
        AccessLog.create(true).log(record("to-second"));
        AccessLog.closeWriter();
        assertThat(Files.readString(first)).contains("to-first").doesNotContain("to-second");
        assertThat(Files.readString(second)).contains("to-second").doesNotContain("to-first");
    }
}
