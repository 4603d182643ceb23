package dev.gatehouse.server.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.RestartConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class RestartBackoffTest {

    private static final Duration QUICK = Duration.ofMillis(50);

    private final RestartBackoff backoff = new RestartBackoff(
            new RestartConfig(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(30)));

    @Test
    void exitsInARow_doubleTheWaitUpToTheMax() {
        assertThat(backoff.next(QUICK)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next(QUICK)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.next(QUICK)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.next(QUICK)).isEqualTo(Duration.ofSeconds(8));
        assertThat(backoff.next(QUICK)).isEqualTo(Duration.ofSeconds(10));
        for (int i = 0; i < 100; i++) {
            assertThat(backoff.next(QUICK)).isEqualTo(Duration.ofSeconds(10));
        }
    }

    @Test
    void anInstanceUpForResetAfter_startsAgainFromTheBackoff() {
        backoff.next(QUICK);
        backoff.next(QUICK);
        assertThat(backoff.next(Duration.ofSeconds(29))).isEqualTo(Duration.ofSeconds(4));

        assertThat(backoff.next(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.next(QUICK)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aBackoffThatIsNotAPowerOfTwoBelowTheMax_isCappedExactly() {
        RestartBackoff b = new RestartBackoff(new RestartConfig(Duration.ofMillis(300), Duration.ofMillis(1000), Duration.ofSeconds(1)));
        assertThat(b.next(Duration.ZERO)).isEqualTo(Duration.ofMillis(300));
        assertThat(b.next(Duration.ZERO)).isEqualTo(Duration.ofMillis(600));
        assertThat(b.next(Duration.ZERO)).isEqualTo(Duration.ofMillis(1000));
    }
}
