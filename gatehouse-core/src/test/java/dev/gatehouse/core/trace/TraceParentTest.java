package dev.gatehouse.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading and starting a {@code traceparent}, case by case from Trace Context Level 1 §3.2. */
final class TraceParentTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final Pattern V00 = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    @Test
    void aValidValue_isKeptAsReceived() {
        TraceParent t = TraceParent.parse(VALID);
        assertThat(t).isNotNull();
        assertThat(t.value()).isSameAs(VALID);
        assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.parentId()).isEqualTo("00f067aa0ba902b7");
        assertThat(t.flags()).isEqualTo(1);
        assertThat(t.sampled()).isTrue();
        assertThat(t.started()).isFalse();
    }

    @Test
    void flags_areAByte_andOnlyTheirLowBitIsSampled() {
        assertThat(TraceParent.parse(VALID.replace("-01", "-00")).sampled()).isFalse();
        TraceParent t = TraceParent.parse(VALID.substring(0, 53) + "fe");
        assertThat(t.flags()).isEqualTo(0xfe);
        assertThat(t.sampled()).isFalse();
        // Version 00 is passed on as it is: unknown flags are the caller's business.
        assertThat(t.value()).endsWith("-fe");
        assertThat(TraceParent.parse(VALID.substring(0, 53) + "09").sampled()).isTrue();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {
        "",
        "00",
        // Uppercase hex anywhere: HEXDIGLC only.
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // All-zero ids.
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        // Version ff is forbidden, whatever follows.
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        // Version 00 has exactly 55 characters.
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e47360-0f067aa0ba902b7-01",
        // Dashes where the fields end, and nothing else.
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
        "00--4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        // Not hex, and what a lenient parser might let through.
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
        " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
        "00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-\u0660\u0661",
        // Two values folded into one field: too long for version 00.
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01,00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // A later version that is not followed by its fields' dashes, or too short.
        "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.what-the-future-holds",
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "cc-00000000000000000000000000000000-00f067aa0ba902b7-01-future",
    })
    void invalidValues_areRefused(String value) {
        assertThat(TraceParent.parse(value)).isNull();
    }

    @Test
    void null_isNoTrace() {
        assertThat(TraceParent.parse(null)).isNull();
    }

    @Test
    void aLaterVersion_isReadForItsKnownFields_andDowngradedTo00_keepingOnlySampled() {
        TraceParent t = TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09-what-the-future-holds");
        assertThat(t).isNotNull();
        assertThat(t.value()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(t.started()).isFalse();
        TraceParent exact = TraceParent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02");
        assertThat(exact.value()).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
        assertThat(TraceParent.parse("fe-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-")).isNotNull();
    }

    @Test
    void aStartedTrace_isVersion00_withTheDrawnIds_andTheAskedFlag() {
        RandomGenerator scripted = scripted(0x0123456789abcdefL, 0xfedcba9876543210L, 0x0a0b0c0d0e0f1011L);
        TraceParent t = TraceParent.start(scripted, true);
        assertThat(t.value()).isEqualTo("00-0123456789abcdeffedcba9876543210-0a0b0c0d0e0f1011-01");
        assertThat(t.started()).isTrue();
        assertThat(TraceParent.start(scripted(1, 2, 3), false).value())
                .isEqualTo("00-00000000000000010000000000000002-0000000000000003-00");
    }

    @Test
    void aStartedTrace_neverHasAnAllZeroId_drawingAgain() {
        TraceParent t = TraceParent.start(scripted(0, 0, 0, 5, 0, 7), true);
        assertThat(t.traceId()).isEqualTo("00000000000000000000000000000005");
        assertThat(t.parentId()).isEqualTo("0000000000000007");
        // Half zero is fine: only all zeros is forbidden.
        assertThat(TraceParent.start(scripted(0, 9, 1), true).traceId()).isEqualTo("00000000000000000000000000000009");
    }

    /**
     * Property: whatever is drawn, a started trace is a valid version-00 value that reads back to
     * itself; and a valid value with one character changed is either refused or still valid
     * version 00 (never something else).
     */
    @Test
    void startedTraces_readBack_andMutationsNeverYieldAnythingButValidOrNothing() {
        SplittableRandom random = new SplittableRandom(16);
        String alphabet = "0123456789abcdefABCDEF-xz \u00e9";
        for (int i = 0; i < 20_000; i++) {
            TraceParent t = TraceParent.start(random, random.nextBoolean());
            assertThat(V00.matcher(t.value()).matches()).as(t.value()).isTrue();
            TraceParent back = TraceParent.parse(t.value());
            assertThat(back.value()).isEqualTo(t.value());
            assertThat(back.traceId()).isEqualTo(t.traceId());

            char[] mutated = t.value().toCharArray();
            mutated[random.nextInt(mutated.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            TraceParent m = TraceParent.parse(new String(mutated));
            if (m != null) {
                assertThat(V00.matcher(m.value()).matches()).as(m.value()).isTrue();
                assertThat(m.traceId()).isNotEqualTo("0".repeat(32));
                assertThat(m.parentId()).isNotEqualTo("0".repeat(16));
            }
        }
    }

    /** Draws the given longs in turn. */
    private static RandomGenerator scripted(long... draws) {
        return new RandomGenerator() {
            private int next;

            @Override
            public long nextLong() {
                return draws[next++];
            }
        };
    }
}
