package dev.gatehouse.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which {@code tracestate} values are passed on, case by case from Trace Context Level 1 §3.3. */
final class TraceStateTest {

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "",
        "congo=t61rcWkgMzE",
        "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
        "rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE",
        "rojo=00f067aa0ba902b7,\tcongo=t61rcWkgMzE\t",
        // Empty and whitespace-only members are allowed (several fields joined, some empty).
        ",",
        " , ,rojo=1,, ",
        // A value may hold spaces and any printable character but , and =; leading spaces are its own.
        "a= leading and inner spaces ",
        "a=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~",
        // Keys: simple (lcalpha first), and tenant@system (tenant may start with a digit).
        "a_b-c*d/e9=1",
        "1tenant@system=1",
        "tenant@s_2/x-*=1",
    })
    void valid(String value) {
        assertThat(TraceState.isValid(value)).isTrue();
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "congo",
        "congo=",
        "congo= ",
        "=value",
        "Congo=1",
        "1congo=1",
        "_congo=1",
        "co ngo=1",
        "congo =1",
        "congo=a=b",
        "congo=a\tb",
        "congo=a\u0001",
        "congo=caf\u00e9",
        "congo=1;rojo=2",
        "tenant@=1",
        "@system=1",
        "tenant@1system=1",
        "tenant@sys@tem=1",
        "tenant@Sys=1",
        // The same key twice: one entry per key (§3.3.1.4).
        "congo=1,rojo=2,congo=3",
        "t@s=1,t@s=2",
    })
    void invalid(String value) {
        assertThat(TraceState.isValid(value)).isFalse();
    }

    @Test
    void keysAndValues_atTheirLimits_pass_andOneMore_doesNot() {
        assertThat(TraceState.isValid("a".repeat(256) + "=1")).isTrue();
        assertThat(TraceState.isValid("a".repeat(257) + "=1")).isFalse();
        assertThat(TraceState.isValid("t".repeat(241) + "@" + "s".repeat(14) + "=1")).isTrue();
        assertThat(TraceState.isValid("t".repeat(242) + "@s=1")).isFalse();
        assertThat(TraceState.isValid("t@" + "s".repeat(15) + "=1")).isFalse();
        assertThat(TraceState.isValid("k=" + "v".repeat(256))).isTrue();
        assertThat(TraceState.isValid("k=" + "v".repeat(257))).isFalse();
        // Trailing spaces are optional whitespace, not part of the value's 256.
        assertThat(TraceState.isValid("k=" + "v".repeat(256) + "   ")).isTrue();
    }

    @Test
    void atMost32Members_andEmptyOnesDoNotCount() {
        assertThat(TraceState.isValid(members(32))).isTrue();
        assertThat(TraceState.isValid(members(33))).isFalse();
        assertThat(TraceState.isValid(members(32) + ",,, ,")).isTrue();
        assertThat(TraceState.isValid(members(16) + ",," + members(16).replace("k", "j"))).isTrue();
    }

    private static String members(int n) {
        return IntStream.range(0, n).mapToObj(i -> "k" + i + "=v" + i).collect(Collectors.joining(","));
    }
}
