package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.content.RangeRequest.Ignored;
import dev.gatehouse.core.content.RangeRequest.Ranges;
import dev.gatehouse.core.content.RangeRequest.Unsatisfiable;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class RangeRequestTest {

    private static final int MAX_RANGES = 8;

    /** The outcome as {@code 206 a-b,c-d}, {@code 416} or {@code 200}: the status the data plane sends. */
    private static String answer(String header, long length) {
        return switch (RangeRequest.parse(header, length, MAX_RANGES)) {
            case Ranges r -> "206 " + r.ranges().stream().map(x -> x.first() + "-" + x.last()).collect(Collectors.joining(","));
            case Unsatisfiable u -> "416";
            case Ignored i -> "200";
        };
    }

    private static String why(String header, long length) {
        RangeRequest.Result r = RangeRequest.parse(header, length, MAX_RANGES);
        assertThat(r).isInstanceOf(Ignored.class);
        return ((Ignored) r).why();
    }

    /** RFC 9110 §14.1.2's examples on a 10000-byte representation, and the forms around them. */
    @ParameterizedTest(name = "{0} of 10000: {1}")
    @CsvSource(delimiter = '|', value = {
            "bytes=0-499             | 206 0-499",
            "bytes=500-999           | 206 500-999",
            "bytes=-500              | 206 9500-9999",
            "bytes=9500-             | 206 9500-9999",
            "bytes=0-0,-1            | 206 0-0,9999-9999",
            "bytes=0-                | 206 0-9999",
            "bytes=500-              | 206 500-9999",
            "bytes=0-0               | 206 0-0",
            "bytes=9999-9999         | 206 9999-9999",
            "bytes=9999-             | 206 9999-9999",
            "bytes=-1                | 206 9999-9999",
            "bytes=-10000            | 206 0-9999",
            "bytes=-20000            | 206 0-9999",
            "bytes=0-20000           | 206 0-9999",
            "bytes=9000-9223372036854775807 | 206 9000-9999",
            "bytes=0000-0009         | 206 0-9",
            "BYTES=0-9               | 206 0-9",
            "Bytes=0-9               | 206 0-9",
            "bytes=0-9,20-29         | 206 0-9,20-29",
            "bytes=20-29,0-9         | 206 20-29,0-9",
            "bytes=0-9 , 20-29       | 206 0-9,20-29",
            "bytes=0-9\t,\t20-29     | 206 0-9,20-29",
            "bytes=0-9,,20-29        | 206 0-9,20-29",
            "bytes=,0-9              | 206 0-9",
            "bytes=, ,0-9, ,         | 206 0-9",
            "bytes=0-9,              | 206 0-9",
            "'  bytes=0-9  '         | 206 0-9",
    })
    void parse_readsSatisfiableRanges(String header, String expected) {
        assertThat(answer(header, 10_000)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} of 10000: 416")
    @ValueSource(strings = {"bytes=10000-", "bytes=10000-10001", "bytes=20000-30000", "bytes=-0", "bytes=-000",
            "bytes=10000-,-0", "bytes=9223372036854775806-"})
    void parse_answers416_whenNoRangeIsSatisfiable(String header) {
        assertThat(answer(header, 10_000)).isEqualTo("416");
    }

    @Test
    void parse_dropsTheUnsatisfiableRanges_ofASatisfiableSet() {
        assertThat(answer("bytes=20000-,0-9,-0", 10_000)).isEqualTo("206 0-9");
    }

    @ParameterizedTest(name = "{0} of an empty representation: 416")
    @ValueSource(strings = {"bytes=0-", "bytes=0-0", "bytes=-1", "bytes=-0", "bytes=-500", "bytes=0-10,20-"})
    void parse_ofAnEmptyRepresentation_isUnsatisfiable(String header) {
        assertThat(answer(header, 0)).isEqualTo("416");
    }

    @Test
    void parse_ofAnEmptyRepresentation_stillIgnoresAnInvalidHeader() {
        assertThat(answer("bytes=5-1", 0)).isEqualTo("200");
        assertThat(answer("items=0-1", 0)).isEqualTo("200");
    }

    @ParameterizedTest(name = "\"{0}\": 200")
    @ValueSource(strings = {
            "", "bytes", "bytes=", "bytes= ", "bytes=,", "bytes=, ,", "=0-1", "0-1", "bytes 0-1", "bytes:0-1",
            "bytes=0", "bytes=-", "bytes=--1", "bytes=1-2-3", "bytes=a-b", "bytes=0-b", "bytes=0x10-20", "bytes=+1-2",
            "bytes=-+1", "bytes=1.5-2", "bytes=0 -1", "bytes=0- 1", "bytes= 0-1", "bytes =0-1", "bytes=0-1;q=1",
            "bytes=0-1 2-3", "bytes=\u0661-\u0662", "bytes=\uff10-\uff11", "bytes=0-1,x", "bytes=0-1\u0000", "byt es=0-1",
    })
    void parse_ignoresAHeaderWithBadSyntax(String header) {
        assertThat(answer(header, 10_000)).isEqualTo("200");
    }

    @Test
    void parse_ignoresALastPositionBeforeTheFirst() {
        assertThat(why("bytes=500-499", 10_000)).contains("before its first");
        assertThat(why("bytes=0-9,5-4", 10_000)).contains("before its first");
        // Invalid, even though another range is fine and this one lies past the end.
        assertThat(answer("bytes=20000-10000,0-9", 10_000)).isEqualTo("200");
    }

    @ParameterizedTest
    @ValueSource(strings = {"items=0-1", "none=0-1", "pages=1-2", "bytesx=0-1"})
    void parse_ignoresOtherUnits(String header) {
        assertThat(why(header, 10_000)).contains("unit other than bytes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=9223372036854775808-", "bytes=0-9223372036854775808", "bytes=-9223372036854775808",
            "bytes=99999999999999999999999999-"})
    void parse_ignoresNumbersThatOverflowALong(String header) {
        assertThat(why(header, 10_000)).contains("too large");
    }

    @Test
    void parse_countsEveryRangeAgainstTheLimit_beforeCoalescing() {
        String eight = "bytes=0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14";
        assertThat(answer(eight, 10_000)).isEqualTo("206 0-0,2-2,4-4,6-6,8-8,10-10,12-12,14-14");
        assertThat(why(eight + ",16-16", 10_000)).contains("more than 8 ranges");
        // Unsatisfiable and adjacent ranges count too; empty elements do not.
        assertThat(answer("bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,99999-", 10_000)).isEqualTo("206 0-6");
        assertThat(answer("bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,99999-,7-7", 10_000)).isEqualTo("200");
        assertThat(answer("bytes=0-0,,,,,,,,,,,,,,2-2", 10_000)).isEqualTo("206 0-0,2-2");
    }

    @Test
    void parse_stopsReadingAtTheLimit() {
        // The syntax error after the limit is never reached: the limit is the answer.
        assertThat(why("bytes=" + "0-0,".repeat(9) + "junk", 10_000)).contains("more than 8 ranges");
    }

    @Test
    void parse_ignoresAnOverlongHeader() {
        String padded = "bytes=0-0" + ",".repeat(RangeRequest.MAX_HEADER_LENGTH);

        assertThat(why(padded, 10_000)).contains("longer than");
        assertThat(answer("bytes=0-0" + ",".repeat(RangeRequest.MAX_HEADER_LENGTH - 9), 10_000)).isEqualTo("206 0-0");
        assertThat(why(null, 10_000)).isEqualTo("no Range header");
    }

    @Test
    void coalesce_mergesOverlappingAndAdjacentRanges_inRequestOrder() {
        assertThat(answer("bytes=0-9,10-19", 10_000)).isEqualTo("206 0-19");
        assertThat(answer("bytes=0-9,5-14", 10_000)).isEqualTo("206 0-14");
        assertThat(answer("bytes=10-19,0-9", 10_000)).isEqualTo("206 0-19");
        assertThat(answer("bytes=0-9,11-19", 10_000)).isEqualTo("206 0-9,11-19");
        // The merged part takes the place of the earliest: 50-59 first, then 0-29.
        assertThat(answer("bytes=50-59,0-9,20-29,10-19", 10_000)).isEqualTo("206 50-59,0-29");
        // A later range bridging two kept ones merges all three into the first one's place.
        assertThat(answer("bytes=30-39,0-9,100-109,10-29", 10_000)).isEqualTo("206 0-39,100-109");
        assertThat(answer("bytes=0-4,9990-9999,5-9989", 10_000)).isEqualTo("206 0-9999");
        assertThat(answer("bytes=-100,9900-9949", 10_000)).isEqualTo("206 9900-9999");
    }

    @Test
    void coalesce_keepsAContainedRangeOut() {
        assertThat(answer("bytes=0-99,10-19", 10_000)).isEqualTo("206 0-99");
        assertThat(answer("bytes=10-19,0-99", 10_000)).isEqualTo("206 0-99");
    }

    @Test
    void abuse_theWholeRepresentationMoreThanTwice_isIgnored() {
        assertThat(answer("bytes=0-,0-", 10_000)).isEqualTo("206 0-9999");
        assertThat(why("bytes=0-,0-,0-", 10_000)).contains("twice");
        assertThat(why("bytes=-10000,0-,5000-", 10_000)).contains("twice");
        assertThat(why("bytes=-1,-1,-1", 1)).contains("twice");
    }

    @Test
    void abuse_moreThanTwoOverlappingRanges_isIgnored() {
        assertThat(answer("bytes=0-99,50-149", 10_000)).isEqualTo("206 0-149");
        assertThat(why("bytes=0-99,50-149,60-159", 10_000)).contains("overlapping");
        assertThat(why("bytes=0-9,5-14,100-109,105-114", 10_000)).contains("overlapping");
        assertThat(why("bytes=0-0,0-0,0-0", 10_000)).contains("overlapping");
        // Touching is not overlapping: these coalesce without complaint.
        assertThat(answer("bytes=0-9,10-19,20-29,30-39", 10_000)).isEqualTo("206 0-39");
    }

    @Test
    void parse_handlesTheLargestLengths() {
        long max = Long.MAX_VALUE;

        assertThat(answer("bytes=0-", max)).isEqualTo("206 0-" + (max - 1));
        assertThat(answer("bytes=-1", max)).isEqualTo("206 " + (max - 1) + "-" + (max - 1));
        assertThat(answer("bytes=0-,0-,0-", max)).isEqualTo("200");
        // Twice the length must not overflow the budget.
        assertThat(answer("bytes=0-,0-", max / 2)).isEqualTo("206 0-" + (max / 2 - 1));
    }

    @Test
    void parse_refusesServerMistakes() {
        assertThatThrownBy(() -> RangeRequest.parse("bytes=0-", -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RangeRequest.parse("bytes=0-", 10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void contentRange_formatsAPartAndA416() {
        assertThat(RangeRequest.contentRange(new ByteRange(0, 99), 1000)).isEqualTo("bytes 0-99/1000");
        assertThat(RangeRequest.contentRange(new ByteRange(999, 999), 1000)).isEqualTo("bytes 999-999/1000");
        assertThat(RangeRequest.unsatisfiedRange(1000)).isEqualTo("bytes */1000");
        assertThat(RangeRequest.unsatisfiedRange(0)).isEqualTo("bytes */0");
        assertThatThrownBy(() -> RangeRequest.contentRange(new ByteRange(0, 1000), 1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RangeRequest.unsatisfiedRange(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void byteRange_holdsAnInclusiveRange() {
        assertThat(new ByteRange(0, 0).length()).isEqualTo(1);
        assertThat(new ByteRange(10, 19).length()).isEqualTo(10);
        assertThat(new ByteRange(0, Long.MAX_VALUE - 1).length()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> new ByteRange(5, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteRange(-1, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteRange(0, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ranges_isNeverEmpty_andImmutable() {
        assertThatThrownBy(() -> new Ranges(List.of())).isInstanceOf(IllegalArgumentException.class);
        Ranges r = new Ranges(new java.util.ArrayList<>(List.of(new ByteRange(0, 1))));
        assertThatThrownBy(() -> r.ranges().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
