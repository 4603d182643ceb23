package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.FleetConfig;
import dev.gatehouse.core.fleet.FleetStatus;
import dev.gatehouse.core.fleet.FleetView;
import dev.gatehouse.core.fleet.Freshness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which requests a fleet node refuses: none on its own; strict pools before it joined and while it is stale. */
final class FleetGateTest {

    /** The clock, moved by hand. */
    private final long[] now = {1_000_000_000L};
    private final FleetConfig fleet = new FleetConfig("web", List.of("http://127.0.0.1:2379"), "/gatehouse", null, null, null,
            Duration.ofSeconds(2), "n1", Duration.ofMillis(1500), List.of("assets"));
    private final Freshness freshness = new Freshness(Duration.ofMillis(1500), () -> now[0]);
    private final FleetStatus status = new FleetStatus() {
        @Override
        public String fleet() {
            return "web";
        }

        @Override
        public String node() {
            return "n1";
        }

        @Override
        public Freshness freshness() {
            return freshness;
        }

        @Override
        public FleetView view() {
            return new FleetView(List.of());
        }
    };

    @Test
    void aNodeOnItsOwn_neverRefuses() {
        assertThat(FleetGate.of(null, () -> null).refusal("web")).isNull();
    }

    @Test
    void beforeItJoined_strictPoolsAreRefused_andPoolsServedWhenStaleServe() {
        AtomicReference<FleetStatus> joined = new AtomicReference<>();
        FleetGate gate = FleetGate.of(fleet, joined::get);
        assertThat(gate.refusal("web")).contains("has not joined its fleet yet");
        assertThat(gate.refusal("assets")).isNull();
        joined.set(status);
        assertThat(gate.refusal("web")).isNull();
    }

    @Test
    void whileStale_strictPoolsAreRefused_untilCurrentAgain() {
        FleetGate gate = FleetGate.of(fleet, () -> status);
        now[0] += 1_501_000_000L;
        assertThat(gate.refusal("web")).contains("stale", "fleet web");
        assertThat(gate.refusal("assets")).isNull();
        freshness.confirmed(now[0]);
        assertThat(gate.refusal("web")).isNull();
    }
}
