package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class AcceptEncodingTest {

    /** The server's codings, in its order of preference. */
    private static final List<String> SERVER = List.of("br", "zstd", "gzip");

    private static AcceptEncoding of(String... lines) {
        return AcceptEncoding.parse(Arrays.asList(lines));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // the highest q wins; between equal q the server's order
            "gzip, deflate, br, zstd              | br",
            "gzip, deflate, br                    | br",
            "gzip                                 | gzip",
            "gzip;q=1.0, br;q=0.8                 | gzip",
            "gzip;q=0.8, br                       | br",
            "zstd;q=0.9, gzip;q=0.9, br;q=0.5     | zstd",
            "GZIP                                 | gzip",
            "Br;Q=0.5, gzip;q=0.4                 | br",
            // '*' covers the codings not listed
            "*                                    | br",
            "*;q=0.5, gzip                        | gzip",
            "br;q=0, *                            | zstd",
            "*;q=0, gzip                          | gzip",
            // identity
            "identity                             | identity",
            "deflate                              | identity",
            "''                                   | identity",
            "gzip;q=0                             | identity",
            "gzip;q=0.5, identity                 | identity",
            "gzip;q=0.5, identity;q=0.5           | gzip",
            "gzip;q=0.001                         | gzip",
            "identity;q=0, gzip;q=0.1             | gzip",
            // nothing acceptable: null
            "identity;q=0                         | -",
            "*;q=0                                | -",
            "gzip;q=0, *;q=0                      | -",
            "identity;q=0, *;q=0                  | -",
            // *;q=0 with its own identity entry
            "*;q=0, identity                      | identity",
            // empty elements and OWS
            "' , gzip ,, br ;q=0.5 , '            | gzip",
            "gzip\t;\tq=0.5,\tbr;q=0.4            | gzip",
    })
    void choose_followsTheWeightsThenTheServersOrder(String header, String expected) {
        assertThat(of(header).choose(SERVER)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: the element is ignored")
    @CsvSource(delimiter = '|', value = {
            "br;q=1.5, gzip",
            "br;q=2, gzip",
            "br;q=0.1234, gzip",
            "br;q=.5, gzip",
            "br;q=x, gzip",
            "br;q=, gzip",
            "br;q=-1, gzip",
            "br;q=1.001, gzip",
            "br;q =0.5, gzip",
            "br;level=5, gzip",
            "br;q=0.5;x=y, gzip",
            "br;, gzip",
            "b r, gzip",
            "br\u00e9, gzip",
            "\"br\", gzip",
            "br/1, gzip",
    })
    void parse_ignoresAnInvalidElement_keepsTheOthers(String header) {
        AcceptEncoding a = of(header);

        assertThat(a.choose(SERVER)).isEqualTo("gzip");
        assertThat(a.accepts("br")).isFalse();
    }

    @ParameterizedTest(name = "q={0}")
    @CsvSource({"0, 0", "0., 0", "0.5, 500", "0.25, 250", "0.125, 125", "0.000, 0", "1, 1000", "1., 1000", "1.0, 1000",
            "1.000, 1000", "1.5, -1", "0.1234, -1", "2, -1", "01, -1", "1.01, -1", "'', -1", "0.5a, -1", "\u0661, -1"})
    void qvalue_isTheRfcsGrammar(String s, int thousandths) {
        assertThat(AcceptEncoding.qvalue(s)).isEqualTo(thousandths);
    }

    @Test
    void noHeader_meansIdentity() {
        for (AcceptEncoding a : new AcceptEncoding[] {AcceptEncoding.parse(null), AcceptEncoding.parse(List.of())}) {
            assertThat(a.absent()).isTrue();
            assertThat(a.choose(SERVER)).isEqualTo("identity");
            assertThat(a.accepts("identity")).isTrue();
            assertThat(a.accepts("gzip")).isFalse();
        }
        assertThat(of("").absent()).isFalse();
    }

    @Test
    void accepts_answersPerCoding() {
        AcceptEncoding a = of("gzip;q=0.8, br;q=0, *;q=0.1");

        assertThat(a.accepts("gzip")).isTrue();
        assertThat(a.accepts("GZip")).isTrue();
        assertThat(a.accepts("br")).isFalse();
        assertThat(a.accepts("zstd")).isTrue();
        assertThat(a.accepts("identity")).isTrue();
        assertThat(a.accepts(null)).isFalse();
        assertThat(of("gzip").accepts("identity")).isTrue();
        assertThat(of("gzip").accepts("br")).isFalse();
        assertThat(of("*;q=0").accepts("identity")).isFalse();
        assertThat(of("identity;q=0").accepts("IDENTITY")).isFalse();
        assertThat(of("*;q=0, identity;q=0.1").accepts("identity")).isTrue();
    }

    @Test
    void parse_readsEveryFieldLine() {
        assertThat(of("gzip;q=0.5", "br;q=0.9").choose(SERVER)).isEqualTo("br");
        assertThat(of("gzip;q=0.5", "").choose(SERVER)).isEqualTo("gzip");
    }

    @Test
    void parse_theFirstEntryOfACodingCounts() {
        assertThat(of("br;q=0, br", "gzip;q=0.1").choose(SERVER)).isEqualTo("gzip");
        assertThat(of("br, br;q=0").choose(SERVER)).isEqualTo("br");
    }

    @Test
    void choose_returnsTheServersSpelling_andSkipsWhatItCannotSend() {
        assertThat(of("gzip").choose(List.of("GZIP"))).isEqualTo("GZIP");
        assertThat(of("br").choose(List.of("gzip"))).isEqualTo("identity");
        assertThat(of("br").choose(List.of())).isEqualTo("identity");
        assertThat(of("identity;q=0", "br").choose(List.of())).isNull();
    }

    @Test
    void parse_boundsTheElementCount() {
        List<String> many = new ArrayList<>(Collections.nCopies(AcceptEncoding.MAX_ELEMENTS, "x"));
        AcceptEncoding atLimit = AcceptEncoding.parse(List.of(String.join(",", many) + ",gzip"));
        many.set(AcceptEncoding.MAX_ELEMENTS - 1, "gzip");
        AcceptEncoding justIn = AcceptEncoding.parse(List.of(String.join(",", many)));

        assertThat(atLimit.accepts("gzip")).isFalse();
        assertThat(justIn.accepts("gzip")).isTrue();
        // Empty elements do not count.
        assertThat(of(",".repeat(500) + "gzip").accepts("gzip")).isTrue();
    }

    @Test
    void parse_readsAnOverlongHeaderAsEmpty() {
        AcceptEncoding a = of("gzip, " + " ".repeat(AcceptEncoding.MAX_LENGTH));

        assertThat(a.absent()).isFalse();
        assertThat(a.accepts("gzip")).isFalse();
        assertThat(a.choose(SERVER)).isEqualTo("identity");
    }
}
