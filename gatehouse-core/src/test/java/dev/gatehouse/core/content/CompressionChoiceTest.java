package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compression negotiation matrix: what gets compressed, with which coding, and what never. */
final class CompressionChoiceTest {

    private static final List<String> OFFERED = List.of("br", "zstd", "gzip");

    private static HeaderView headers(String... namesAndValues) {
        Map<String, List<String>> m = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.computeIfAbsent(namesAndValues[i].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(namesAndValues[i + 1]);
        }
        return name -> m.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    private static final HeaderView HTML = headers("Content-Type", "text/html; charset=utf-8", "Content-Length", "5000");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
        "gzip                    | gzip",
        "br                      | br",
        "zstd                    | zstd",
        "gzip, br                | br",
        "gzip, zstd              | zstd",
        "GZIP                    | gzip",
        "gzip;q=1, br;q=0.8      | gzip",
        "br;q=0, gzip            | gzip",
        "*                       | br",
        "*;q=0.5, gzip;q=0.9     | gzip",
        "identity                | none",
        "deflate                 | none",
        "gzip;q=0                | none",
        "*;q=0                   | none",
        "br;q=0.5, identity;q=1  | none",
        "gzip;q=2                | none",
        "gzip;q=abc              | none",
    })
    void theCoding_isTheClientsChoiceAmongTheOffered(String acceptEncoding, String expected) {
        assertThat(CompressionChoice.choose("GET", headers("Accept-Encoding", acceptEncoding), 200, HTML, OFFERED, 1024, List.of()))
                .isEqualTo(expected);
    }

    @Test
    void withoutAcceptEncoding_nothingIsCompressed() {
        assertThat(CompressionChoice.choose("GET", headers(), 200, HTML, OFFERED, 1024, List.of())).isNull();
    }

    @Test
    void onlyTheOfferedCodingsAreUsed() {
        assertThat(CompressionChoice.choose("GET", headers("Accept-Encoding", "br, gzip"), 200, HTML, List.of("gzip"), 0, List.of()))
                .isEqualTo("gzip");
        assertThat(CompressionChoice.choose("GET", headers("Accept-Encoding", "br"), 200, HTML, List.of(), 0, List.of())).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a 206              | GET  | 206 | text/html  | 5000 | ",
        "a 304              | GET  | 304 | text/html  | 5000 | ",
        "a 404              | GET  | 404 | text/html  | 5000 | ",
        "HEAD               | HEAD | 200 | text/html  | 5000 | ",
        "an image           | GET  | 200 | image/png  | 5000 | ",
        "a zip              | GET  | 200 | application/zip | 5000 | ",
        "a video            | GET  | 200 | video/mp4  | 5000 | ",
        "below the minimum  | GET  | 200 | text/html  | 100  | ",
        "a bad length       | GET  | 200 | text/html  | x    | ",
        "no type            | GET  | 200 |            | 5000 | ",
    })
    void whatIsNeverCompressed(String what, String method, int status, String type, String length, String ignored) {
        List<String> fields = new ArrayList<>(List.of("Content-Length", length));
        if (type != null) {
            fields.addAll(List.of("Content-Type", type));
        }
        assertThat(CompressionChoice.choose(method, headers("Accept-Encoding", "gzip"), status,
                headers(fields.toArray(String[]::new)), OFFERED, 1024, List.of())).as(what).isNull();
    }

    @Test
    void codedAlready_noTransform_andRanges_areLeftAlone() {
        HeaderView gz = headers("Accept-Encoding", "gzip");
        assertThat(CompressionChoice.choose("GET", gz, 200, headers("Content-Type", "text/html", "Content-Encoding", "gzip"),
                OFFERED, 0, List.of())).isNull();
        assertThat(CompressionChoice.choose("GET", gz, 200, headers("Content-Type", "text/html", "Cache-Control", "public, No-Transform"),
                OFFERED, 0, List.of())).isNull();
        assertThat(CompressionChoice.choose("GET", headers("Accept-Encoding", "gzip", "Range", "bytes=0-1"), 200,
                headers("Content-Type", "text/html"), OFFERED, 0, List.of())).isNull();
    }

    @Test
    void aBodyOfUnknownLength_isCompressed() {
        assertThat(CompressionChoice.choose("GET", headers("Accept-Encoding", "gzip"), 200, headers("Content-Type", "application/json"),
                OFFERED, 1024, List.of())).isEqualTo("gzip");
    }

    @Test
    void aTypeList_replacesTheBuiltInOne_withWildcards() {
        HeaderView gz = headers("Accept-Encoding", "gzip");
        List<String> types = List.of("text/*", "application/vnd.custom+json");
        assertThat(CompressionChoice.choose("GET", gz, 200, headers("Content-Type", "text/csv"), OFFERED, 0, types)).isEqualTo("gzip");
        assertThat(CompressionChoice.choose("GET", gz, 200, headers("Content-Type", "application/vnd.custom+json; v=1"), OFFERED, 0,
                types)).isEqualTo("gzip");
        assertThat(CompressionChoice.choose("GET", gz, 200, headers("Content-Type", "application/json"), OFFERED, 0, types)).isNull();
    }

    @Test
    void negotiated_isWhatACacheKeysAVariantBy() {
        assertThat(CompressionChoice.negotiated(headers("Accept-Encoding", "gzip, deflate, br"), OFFERED)).isEqualTo("br");
        assertThat(CompressionChoice.negotiated(headers("Accept-Encoding", "br, gzip"), OFFERED)).isEqualTo("br");
        assertThat(CompressionChoice.negotiated(headers(), OFFERED)).isEqualTo("identity");
        assertThat(CompressionChoice.negotiated(headers("Accept-Encoding", "identity;q=0"), List.of())).isEqualTo("identity");
    }
}
