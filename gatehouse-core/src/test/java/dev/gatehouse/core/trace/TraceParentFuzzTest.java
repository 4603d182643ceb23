package dev.gatehouse.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link TraceParent#parse} and {@link TraceState#isValid} with arbitrary text.
 *
 * <p>Invariants: neither throws; a value that parses is sent on as a 55-character version-00 value
 * of lowercase hex without an all-zero id, which reads back to itself; a version-00 value is only
 * accepted exactly as received; a tracestate that is valid holds at most 32 members and only
 * printable ASCII, so what the node passes on can never break a header.
 */
final class TraceParentFuzzTest {

    private static final Pattern V00 = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    @FuzzTest
    @DictionaryEntries({"00-", "ff-", "cc-", "-01", "-00", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7",
        "00000000000000000000000000000000", "0000000000000000", "=", ",", "@", " ", "\t", "congo=t61rcWkgMzE"})
    void anyText_isATraceOrNothing(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        TraceParent t = TraceParent.parse(text);
        if (t != null) {
            assertThat(V00.matcher(t.value()).matches()).as(t.value()).isTrue();
            assertThat(t.traceId()).isNotEqualTo("0".repeat(32));
            assertThat(t.parentId()).isNotEqualTo("0".repeat(16));
            assertThat(TraceParent.parse(t.value())).isEqualTo(t);
            if (text.startsWith("00")) {
                assertThat(t.value()).isEqualTo(text);
            }
        }
        if (TraceState.isValid(text)) {
            assertThat(text.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c <= 0x7e))).as("printable").isTrue();
            long members = text.chars().filter(c -> c == '=').count();
            assertThat(members).isLessThanOrEqualTo(TraceState.MAX_MEMBERS);
        }
    }
}
