package dev.gatehouse.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.DiscoverConfig;
import dev.gatehouse.core.config.DnsConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.discovery.DiscoveredName.Target;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a name is asked again, and what each kind of answer does to its backends, on a fake clock. */
final class DiscoveredNameTest {

    private static final long S = 1_000_000_000L;
    private static final DnsConfig DNS = new DnsConfig(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofSeconds(30));
    private static final DiscoverConfig WEB = new DiscoverConfig("web.internal", DiscoverConfig.Kind.ADDRESSES, 8001, 3, "v7");

    private static List<String> addresses(DiscoveredName n) {
        return n.backends().stream().map(b -> b.address().toString()).toList();
    }

    @Test
    void anAnswer_isTheBackends_askedAgainWhenItsTtlRunsOut_clampedToMinAndMax() {
        DiscoveredName n = new DiscoveredName(WEB, DNS);
        assertThat(n.due(0)).isTrue();

        assertThat(n.answered(List.of(new Target("10.0.0.22", 8001, 0), new Target("10.0.0.21", 8001, 0)), 20, 0)).isTrue();
        assertThat(n.backends()).containsExactly(new BackendConfig(new HostPort("10.0.0.21", 8001), 3, "v7"),
                new BackendConfig(new HostPort("10.0.0.22", 8001), 3, "v7"));
        assertThat(n.due(20 * S - 1)).isFalse();
        assertThat(n.due(20 * S)).isTrue();

        // The same set in another order changes nothing.
        assertThat(n.answered(List.of(new Target("10.0.0.21", 8001, 0), new Target("10.0.0.22", 8001, 0)), 0, 20 * S)).isFalse();
        assertThat(n.dueNanos()).isEqualTo(21 * S); // a TTL of 0: min_ttl
        n.answered(List.of(new Target("10.0.0.21", 8001, 0)), 86_400, 21 * S);
        assertThat(n.dueNanos()).isEqualTo(81 * S); // a day: max_ttl
        assertThat(addresses(n)).containsExactly("10.0.0.21:8001");
    }

    @Test
    void srvWeights_areTheirOwn_andAZeroWeightCountsOne() {
        DiscoveredName n = new DiscoveredName(new DiscoverConfig("_http._tcp.web", DiscoverConfig.Kind.SRV, 0, 1, "v1"), DNS);
        n.answered(List.of(new Target("10.0.0.21", 9001, 5), new Target("10.0.0.22", 9002, 1)), 30, 0);

        assertThat(n.backends()).extracting(BackendConfig::weight).containsExactly(5, 1);
    }

    @Test
    void noAnswer_keepsTheBackends_andBacksOff() {
        DiscoveredName n = new DiscoveredName(WEB, DNS);
        n.answered(List.of(new Target("10.0.0.21", 8001, 0)), 5, 0);

        long now = 5 * S;
        long[] waits = new long[7];
        for (int i = 0; i < waits.length; i++) {
            n.failed(now);
            waits[i] = (n.dueNanos() - now) / S;
            now = n.dueNanos();
        }
        assertThat(waits).containsExactly(1, 2, 4, 8, 16, 30, 30);
        assertThat(addresses(n)).containsExactly("10.0.0.21:8001");
        assertThat(n.failures()).isEqualTo(7);
        n.answered(List.of(new Target("10.0.0.21", 8001, 0)), 5, now);
        assertThat(n.failures()).isZero();
    }

    @Test
    void aNameWithNoRecord_emptiesTheBackendsOnlyAfterHoldEmpty_andAnAnswerInBetweenResetsTheHold() {
        DiscoveredName n = new DiscoveredName(WEB, DNS);
        n.answered(List.of(new Target("10.0.0.21", 8001, 0)), 5, 0);

        assertThat(n.empty(5 * S)).isFalse();
        assertThat(n.empty(20 * S)).isFalse();
        n.answered(List.of(new Target("10.0.0.21", 8001, 0)), 5, 21 * S);
        assertThat(n.empty(26 * S)).isFalse();
        assertThat(n.empty(55 * S)).isFalse();
        assertThat(addresses(n)).containsExactly("10.0.0.21:8001");
        assertThat(n.empty(56 * S)).isTrue();
        assertThat(n.backends()).isEmpty();
        // An empty answer with nothing to lose changes nothing; an answer with records is in force at once.
        assertThat(n.answered(List.of(), 5, 57 * S)).isFalse();
        assertThat(n.answered(List.of(new Target("10.0.0.23", 8001, 0)), 5, 58 * S)).isTrue();
    }

    @Test
    void theHoldIsAskedAgainAsItEnds_notAMinTtlLater() {
        DnsConfig shortHold = new DnsConfig(List.of(), Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(3));
        DiscoveredName n = new DiscoveredName(WEB, shortHold);
        n.answered(List.of(new Target("10.0.0.21", 8001, 0)), 30, 0);

        n.empty(30 * S);
        assertThat(n.dueNanos()).isEqualTo(33 * S);
        assertThat(n.empty(33 * S)).isTrue();
    }
}
