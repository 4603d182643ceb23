package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class MultipartRangesTest {

    private static final String B = "THIS_STRING_SEPARATES";

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** The body as the data plane writes it: each head, then that range of {@code content}, then the closing. */
    private static byte[] body(String boundary, String type, List<ByteRange> ranges, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < ranges.size(); i++) {
            ByteRange r = ranges.get(i);
            out.writeBytes(MultipartRanges.partHead(boundary, type, r, content.length, i == 0));
            out.write(content, (int) r.first(), (int) r.length());
        }
        out.writeBytes(MultipartRanges.closing(boundary));
        return out.toByteArray();
    }

    @Test
    void body_isTheRfcsExampleLayout() {
        byte[] content = "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        List<ByteRange> ranges = List.of(new ByteRange(0, 3), new ByteRange(30, 35));

        assertThat(ascii(body(B, "text/plain; charset=utf-8", ranges, content))).isEqualTo(
                "--THIS_STRING_SEPARATES\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Range: bytes 0-3/36\r\n"
                        + "\r\n"
                        + "0123"
                        + "\r\n--THIS_STRING_SEPARATES\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Range: bytes 30-35/36\r\n"
                        + "\r\n"
                        + "uvwxyz"
                        + "\r\n--THIS_STRING_SEPARATES--\r\n");
    }

    @Test
    void partHead_leavesOutTheContentType_whenThereIsNone() {
        assertThat(ascii(MultipartRanges.partHead(B, null, new ByteRange(5, 9), 100, true)))
                .isEqualTo("--THIS_STRING_SEPARATES\r\nContent-Range: bytes 5-9/100\r\n\r\n");
        assertThat(ascii(MultipartRanges.partHead(B, null, new ByteRange(5, 9), 100, false)))
                .isEqualTo("\r\n--THIS_STRING_SEPARATES\r\nContent-Range: bytes 5-9/100\r\n\r\n");
    }

    @Test
    void closing_isTheCloseDelimiter() {
        assertThat(ascii(MultipartRanges.closing(B))).isEqualTo("\r\n--THIS_STRING_SEPARATES--\r\n");
    }

    @Test
    void totalLength_isTheLengthOfTheBodyWritten() {
        byte[] content = new byte[100_000];
        SplittableRandom random = new SplittableRandom(7);
        for (String type : new String[] {null, "application/pdf", "text/html; charset=utf-8"}) {
            for (List<ByteRange> ranges : List.of(
                    List.of(new ByteRange(0, 0), new ByteRange(99_999, 99_999)),
                    List.of(new ByteRange(9, 99), new ByteRange(1000, 9999), new ByteRange(10, 10)),
                    List.of(new ByteRange(0, 99_999)))) {
                String boundary = MultipartRanges.boundary(random);

                assertThat(MultipartRanges.totalLength(boundary, type, ranges, content.length))
                        .as("%s %s", type, ranges)
                        .isEqualTo(body(boundary, type, ranges, content).length);
            }
        }
    }

    @Test
    void totalLength_countsDigitsOfEachRange() {
        // Content-Range grows with the positions' digits; the length must follow.
        long small = MultipartRanges.totalLength(B, null, List.of(new ByteRange(0, 0), new ByteRange(2, 2)), 10);
        long large = MultipartRanges.totalLength(B, null, List.of(new ByteRange(0, 0), new ByteRange(2, 2)), 10_000);

        assertThat(large - small).isEqualTo(2 * 3);
    }

    @Test
    void totalLength_refusesNoRanges() {
        assertThatThrownBy(() -> MultipartRanges.totalLength(B, null, List.of(), 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundary_isLettersAndDigits_freshEachTime() {
        SplittableRandom random = new SplittableRandom(1);
        String a = MultipartRanges.boundary(random);
        String b = MultipartRanges.boundary(random);

        assertThat(a).hasSize(MultipartRanges.BOUNDARY_LENGTH).matches("[0-9A-Za-z]+");
        assertThat(b).isNotEqualTo(a);
        assertThat(MultipartRanges.boundary(new SplittableRandom(1))).isEqualTo(a);
        assertThat(MultipartRanges.contentType(a)).isEqualTo("multipart/byteranges; boundary=" + a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a\r\nb", "a\"b", "a;b", "a/b", "caf\u00e9",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void boundary_thatCouldBreakTheHeader_isRefused(String boundary) {
        assertThatThrownBy(() -> MultipartRanges.closing(boundary)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartRanges.contentType(boundary)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void boundary_ofOtherTokenCharacters_isAccepted() {
        assertThat(MultipartRanges.contentType("a'b+c_d-e.f")).endsWith("a'b+c_d-e.f");
        assertThat(MultipartRanges.contentType("x".repeat(70))).endsWith("x".repeat(70));
    }

    @Test
    void partHead_refusesAContentTypeThatWouldInjectAHeader_andARangePastTheEnd() {
        assertThatThrownBy(() -> MultipartRanges.partHead(B, "text/plain\r\nX-Evil: 1", new ByteRange(0, 1), 10, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartRanges.partHead(B, "text/pl\u00e4in", new ByteRange(0, 1), 10, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MultipartRanges.partHead(B, "text/plain", new ByteRange(0, 10), 10, true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void body_ofParsedRanges_isSelfConsistent() {
        RangeRequest.Result r = RangeRequest.parse("bytes=0-9,-5,20-29", 1000, 8);

        List<ByteRange> ranges = ((RangeRequest.Ranges) r).ranges();
        assertThat(ranges).containsExactly(new ByteRange(0, 9), new ByteRange(995, 999), new ByteRange(20, 29));
        assertThat(MultipartRanges.totalLength(B, "text/plain", ranges, 1000))
                .isEqualTo(body(B, "text/plain", ranges, new byte[1000]).length);
    }
}
