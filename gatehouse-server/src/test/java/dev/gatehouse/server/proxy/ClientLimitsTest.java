package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.limit.ConnectionCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Counting every hit and logging at most one per limit per interval, on a hand-moved clock. */
final class ClientLimitsTest {

    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ClientLimits.class);
    private final List<ClientLimit> counted = new ArrayList<>();
    private final long[] now = {1_000};
    private final ExchangeRecorder recorder = new ExchangeRecorder() {
        @Override
        public void ended(String pool, dev.gatehouse.core.backend.Backend backend, int status, long totalNanos,
                          long upstreamNanos) {
        }

        @Override
        public void limitHit(ClientLimit limit) {
            counted.add(limit);
        }
    };
    private final ClientLimits limits = new ClientLimits(LimitsConfig.DEFAULTS, new ConnectionCounts<>(), recorder,
            () -> now[0]);

    @BeforeEach
    void listen() {
        warnings.start();
        logger.addAppender(warnings);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(warnings);
    }

    private List<String> lines() {
        return warnings.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void everyHitIsCounted_butOneLinePerLimitPerInterval_sayingHowManyWereNotLogged() {
        limits.hit(ClientLimit.HEADERS, "c1", "10.0.0.1", "max_headers: 101 header fields (at most 100)");
        limits.hit(ClientLimit.HEADERS, "c2", "10.0.0.2", "max_headers: 102 header fields (at most 100)");
        limits.hit(ClientLimit.HEADERS, "c3", "10.0.0.3", "max_headers: 103 header fields (at most 100)");
        // Another limit has its own interval.
        limits.hit(ClientLimit.RATE, "c4", "10.0.0.4", "rate_limit 1/s burst 1 of route /: next request in 1000 ms");
        assertThat(lines()).containsExactly(
                "c1 refused 10.0.0.1: max_headers: 101 header fields (at most 100)",
                "c4 refused 10.0.0.4: rate_limit 1/s burst 1 of route /: next request in 1000 ms");

        now[0] += TimeUnit.SECONDS.toNanos(ClientLimits.LOG_INTERVAL_SECONDS) - 1;
        limits.hit(ClientLimit.HEADERS, "c5", "10.0.0.5", "max_headers: 105 header fields (at most 100)");
        assertThat(lines()).hasSize(2);

        now[0] += 1;
        limits.hit(ClientLimit.HEADERS, "c6", "10.0.0.6", "max_headers: 106 header fields (at most 100)");
        assertThat(lines()).hasSize(3).last().isEqualTo("c6 refused 10.0.0.6: max_headers: 106 header fields (at most 100)"
                + " (and 3 more max_headers refusals since the last one logged)");

        assertThat(counted).containsExactly(ClientLimit.HEADERS, ClientLimit.HEADERS, ClientLimit.HEADERS,
                ClientLimit.RATE, ClientLimit.HEADERS, ClientLimit.HEADERS);
    }
}
