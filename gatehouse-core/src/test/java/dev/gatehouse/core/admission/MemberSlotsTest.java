package dev.gatehouse.core.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.balance.SlowStart;
import org.junit.jupiter.api.Test;

final class MemberSlotsTest {

    /** A limit of two slots of which the backend has proven one: the second is a probe. */
    private static final Limit PROBING = new Limit() {
        @Override
        public int current() {
            return 2;
        }

        @Override
        public int proven() {
            return 1;
        }

        @Override
        public void onSample(long latencyNanos, long baselineNanos, Outcome outcome, int inFlightAtStart,
                             long startNanos, long nowNanos) {
        }
    };

    private final MemberSlots slots = new MemberSlots(Fixtures.members(1).get(0), PROBING, SlowStart.NONE);

    @Test
    void aProbeSlot_goesToAFastRequest_onlyWhileTheBackendHoldsNoSlowOne() {
        assertThat(slots.usable(false)).isEqualTo(2);
        assertThat(slots.usable(true)).isEqualTo(1);
        slots.held = 1;
        assertThat(slots.takes(false)).isTrue();
        assertThat(slots.takes(true)).isFalse();
        slots.slowHeld = 1;
        assertThat(slots.takes(false)).isFalse();
        assertThat(slots.takes(true)).isFalse();
        slots.held = 0;
        slots.slowHeld = 0;
        assertThat(slots.takes(true)).isTrue();
    }

    @Test
    void aProvenLimit_isOpenToEveryRequest() {
        MemberSlots fixed = new MemberSlots(Fixtures.members(1).get(0), new Limit.FixedLimit(2), SlowStart.NONE);
        fixed.held = 1;
        fixed.slowHeld = 1;
        assertThat(fixed.takes(false)).isTrue();
        assertThat(fixed.takes(true)).isTrue();
        fixed.held = 2;
        assertThat(fixed.takes(false)).isFalse();
    }
}
