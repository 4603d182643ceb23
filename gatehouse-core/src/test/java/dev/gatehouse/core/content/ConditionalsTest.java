package dev.gatehouse.core.content;

import static dev.gatehouse.core.content.Conditionals.Outcome.NOT_MODIFIED;
import static dev.gatehouse.core.content.Conditionals.Outcome.PRECONDITION_FAILED;
import static dev.gatehouse.core.content.Conditionals.Outcome.PROCEED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.content.Conditionals.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class ConditionalsTest {

    private static final EntityTag CURRENT = EntityTag.strong("v2");
    /** 2024-01-01T00:00:00Z. */
    private static final long LAST_MODIFIED = 1_704_067_200L;
    private static final long NOW = LAST_MODIFIED + 86_400;

    /** A date column's symbol as an HTTP-date: {@code before}, {@code at}, {@code after} Last-Modified, {@code future}, or itself. */
    private static String date(String symbol) {
        if (symbol == null) {
            return null;
        }
        return switch (symbol) {
            case "before" -> HttpDates.format(LAST_MODIFIED - 1);
            case "at" -> HttpDates.format(LAST_MODIFIED);
            case "after" -> HttpDates.format(LAST_MODIFIED + 1);
            case "future" -> HttpDates.format(NOW + 3600);
            default -> symbol;
        };
    }

    private static Outcome evaluate(String method, HeaderView h) {
        return Conditionals.evaluate(method, h, CURRENT, LAST_MODIFIED, NOW);
    }

    /**
     * RFC 9110 §13.2.2 for a representation with ETag {@code "v2"}: each row gives the method and
     * the four headers (empty: absent; dates relative to Last-Modified) and the outcome.
     */
    @ParameterizedTest(name = "{0} If-Match={1} If-Unmodified-Since={2} If-None-Match={3} If-Modified-Since={4}: {5}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // no conditions
            "GET    | -          | -      | -          | -      | PROCEED",
            "PUT    | -          | -      | -          | -      | PROCEED",
            // If-Match: strong comparison, '*' for an existing representation
            "GET    | \"v2\"     | -      | -          | -      | PROCEED",
            "GET    | \"v1\"     | -      | -          | -      | PRECONDITION_FAILED",
            "GET    | \"v1\", \"v2\" | -  | -          | -      | PROCEED",
            "GET    | W/\"v2\"   | -      | -          | -      | PRECONDITION_FAILED",
            "GET    | *          | -      | -          | -      | PROCEED",
            "PUT    | \"v2\"     | -      | -          | -      | PROCEED",
            "PUT    | \"v1\"     | -      | -          | -      | PRECONDITION_FAILED",
            "DELETE | *          | -      | -          | -      | PROCEED",
            "PATCH  | W/\"v2\"   | -      | -          | -      | PRECONDITION_FAILED",
            // If-Unmodified-Since, only without If-Match
            "PUT    | -          | at     | -          | -      | PROCEED",
            "PUT    | -          | after  | -          | -      | PROCEED",
            "PUT    | -          | before | -          | -      | PRECONDITION_FAILED",
            "GET    | -          | before | -          | -      | PRECONDITION_FAILED",
            "PUT    | \"v2\"     | before | -          | -      | PROCEED",
            "PUT    | *          | before | -          | -      | PROCEED",
            // If-None-Match: weak comparison; 304 for GET and HEAD, 412 for others
            "GET    | -          | -      | \"v2\"     | -      | NOT_MODIFIED",
            "HEAD   | -          | -      | \"v2\"     | -      | NOT_MODIFIED",
            "GET    | -          | -      | W/\"v2\"   | -      | NOT_MODIFIED",
            "GET    | -          | -      | \"v1\", W/\"v2\" | - | NOT_MODIFIED",
            "GET    | -          | -      | \"v1\"     | -      | PROCEED",
            "GET    | -          | -      | *          | -      | NOT_MODIFIED",
            "PUT    | -          | -      | *          | -      | PRECONDITION_FAILED",
            "PUT    | -          | -      | \"v2\"     | -      | PRECONDITION_FAILED",
            "POST   | -          | -      | W/\"v2\"   | -      | PRECONDITION_FAILED",
            "PUT    | -          | -      | \"v1\"     | -      | PROCEED",
            // If-Modified-Since, only without If-None-Match and only for GET and HEAD
            "GET    | -          | -      | -          | at     | NOT_MODIFIED",
            "HEAD   | -          | -      | -          | at     | NOT_MODIFIED",
            "GET    | -          | -      | -          | after  | NOT_MODIFIED",
            "GET    | -          | -      | -          | before | PROCEED",
            "PUT    | -          | -      | -          | at     | PROCEED",
            "POST   | -          | -      | -          | after  | PROCEED",
            "get    | -          | -      | -          | at     | PROCEED",
            "GET    | -          | -      | \"v1\"     | at     | PROCEED",
            "GET    | -          | -      | \"v2\"     | before | NOT_MODIFIED",
            // the order of the steps
            "GET    | \"v1\"     | -      | \"v2\"     | -      | PRECONDITION_FAILED",
            "GET    | \"v2\"     | -      | \"v2\"     | -      | NOT_MODIFIED",
            "PUT    | \"v2\"     | -      | \"v2\"     | -      | PRECONDITION_FAILED",
            "GET    | *          | -      | *          | -      | NOT_MODIFIED",
            "GET    | -          | before | \"v1\"     | -      | PRECONDITION_FAILED",
            "GET    | -          | before | -          | at     | PRECONDITION_FAILED",
            "GET    | -          | at     | -          | at     | NOT_MODIFIED",
            "GET    | \"v2\"     | -      | -          | at     | NOT_MODIFIED",
            "GET    | \"v1\"     | -      | -          | at     | PRECONDITION_FAILED",
    })
    void evaluate_followsTheRfcsOrder(String method, String ifMatch, String ifUnmodifiedSince, String ifNoneMatch,
            String ifModifiedSince, Outcome expected) {
        HeaderView h = Headers.of("If-Match", ifMatch, "If-Unmodified-Since", date(ifUnmodifiedSince),
                "If-None-Match", ifNoneMatch, "If-Modified-Since", date(ifModifiedSince));

        assertThat(evaluate(method, h)).isEqualTo(expected);
    }

    /** Malformed and unusable values: each has a defined outcome, see the class documentation. */
    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // a malformed If-Match fails, for every method
            "GET    | If-Match            | v2              | PRECONDITION_FAILED",
            "PUT    | If-Match            | \"v2            | PRECONDITION_FAILED",
            "GET    | If-Match            | \"v2\" \"v1\"   | PRECONDITION_FAILED",
            "GET    | If-Match            | *, \"v2\"       | PRECONDITION_FAILED",
            "GET    | If-Match            | w/\"v2\"        | PRECONDITION_FAILED",
            // an empty If-Match list matches nothing
            "GET    | If-Match            | ''              | PRECONDITION_FAILED",
            "PUT    | If-Match            | ' , ,'          | PRECONDITION_FAILED",
            // a malformed If-None-Match: ignored for GET and HEAD, fails otherwise
            "GET    | If-None-Match       | v2              | PROCEED",
            "HEAD   | If-None-Match       | \"v2\" junk     | PROCEED",
            "PUT    | If-None-Match       | v2              | PRECONDITION_FAILED",
            "DELETE | If-None-Match       | *, \"x\"        | PRECONDITION_FAILED",
            // an empty If-None-Match list matches nothing: true
            "GET    | If-None-Match       | ''              | PROCEED",
            "PUT    | If-None-Match       | ''              | PROCEED",
            // a date that is not an HTTP-date is ignored
            "PUT    | If-Unmodified-Since | yesterday       | PROCEED",
            "PUT    | If-Unmodified-Since | ''              | PROCEED",
            "GET    | If-Modified-Since   | yesterday       | PROCEED",
            "GET    | If-Modified-Since   | 1704067200      | PROCEED",
            "GET    | If-Modified-Since   | 2024-01-01T00:00:00Z | PROCEED",
            // a future If-Modified-Since is ignored
            "GET    | If-Modified-Since   | future          | PROCEED",
    })
    void evaluate_givesEveryBadInputADefinedOutcome(String method, String name, String value, Outcome expected) {
        assertThat(evaluate(method, Headers.of(name, date(value)))).isEqualTo(expected);
    }

    @Test
    void evaluate_readsAMalformedIfNoneMatchOnGet_asIfOnlyIfModifiedSinceCame() {
        HeaderView h = Headers.of("If-None-Match", "v2", "If-Modified-Since", date("at"));

        assertThat(evaluate("GET", h)).isEqualTo(NOT_MODIFIED);
        assertThat(evaluate("PUT", h)).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void evaluate_ifModifiedSince_atNow_stillCounts() {
        HeaderView h = Headers.of("If-Modified-Since", HttpDates.format(NOW));

        assertThat(evaluate("GET", h)).isEqualTo(NOT_MODIFIED);
        assertThat(Conditionals.evaluate("GET", h, CURRENT, LAST_MODIFIED, NOW - 1)).isEqualTo(PROCEED);
    }

    @Test
    void evaluate_readsTheObsoleteDateForms() {
        assertThat(evaluate("GET", Headers.of("If-Modified-Since", "Monday, 01-Jan-24 00:00:00 GMT"))).isEqualTo(NOT_MODIFIED);
        assertThat(evaluate("GET", Headers.of("If-Modified-Since", "Mon Jan  1 00:00:00 2024"))).isEqualTo(NOT_MODIFIED);
        assertThat(evaluate("PUT", Headers.of("If-Unmodified-Since", "Sun Dec 31 23:59:59 2023"))).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void evaluate_joinsTheFieldLinesOfAList() {
        assertThat(evaluate("PUT", Headers.of("If-Match", "\"v1\"", "If-Match", "\"v2\""))).isEqualTo(PROCEED);
        assertThat(evaluate("GET", Headers.of("If-None-Match", "\"v1\"", "if-none-match", "\"v2\""))).isEqualTo(NOT_MODIFIED);
        // '*' must stand alone, also across lines.
        assertThat(evaluate("PUT", Headers.of("If-Match", "*", "If-Match", "\"v1\""))).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void evaluate_ignoresADateGivenMoreThanOnce() {
        String at = date("at");

        assertThat(evaluate("GET", Headers.of("If-Modified-Since", at, "If-Modified-Since", at))).isEqualTo(PROCEED);
        assertThat(evaluate("PUT", Headers.of("If-Unmodified-Since", date("before"), "If-Unmodified-Since", at))).isEqualTo(PROCEED);
        assertThat(evaluate("GET", Headers.of("If-Modified-Since", at + ", " + at))).isEqualTo(PROCEED);
    }

    @Test
    void evaluate_withoutAnEntityTag_onlyTheWildcardsMatch() {
        assertThat(Conditionals.evaluate("PUT", Headers.of("If-Match", "\"v2\""), null, LAST_MODIFIED, NOW)).isEqualTo(PRECONDITION_FAILED);
        assertThat(Conditionals.evaluate("PUT", Headers.of("If-Match", "*"), null, LAST_MODIFIED, NOW)).isEqualTo(PROCEED);
        assertThat(Conditionals.evaluate("GET", Headers.of("If-None-Match", "\"v2\""), null, LAST_MODIFIED, NOW)).isEqualTo(PROCEED);
        assertThat(Conditionals.evaluate("GET", Headers.of("If-None-Match", "*"), null, LAST_MODIFIED, NOW)).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void evaluate_withoutAModificationTime_ignoresTheDates() {
        long unknown = Conditionals.UNKNOWN;

        assertThat(Conditionals.evaluate("PUT", Headers.of("If-Unmodified-Since", date("before")), CURRENT, unknown, NOW)).isEqualTo(PROCEED);
        assertThat(Conditionals.evaluate("GET", Headers.of("If-Modified-Since", date("after")), CURRENT, unknown, NOW)).isEqualTo(PROCEED);
        assertThat(Conditionals.evaluate("GET", HeaderView.EMPTY, null, unknown, NOW)).isEqualTo(PROCEED);
    }

    /** §13.1.5 for a representation with ETag {@code "v2"} last modified a day before now. */
    @ParameterizedTest(name = "If-Range: {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "-                   | true",
            "\"v2\"              | true",
            "' \"v2\" '          | true",
            "\"v1\"              | false",
            "W/\"v2\"            | false",
            "\"V2\"              | false",
            "\"v2                | false",
            "W/v2                | false",
            "\"v2\", \"v1\"      | false",
            "*                   | false",
            "at                  | true",
            "Monday, 01-Jan-24 00:00:00 GMT | true",
            "Mon Jan  1 00:00:00 2024 | true",
            "before              | false",
            "after               | false",
            "future              | false",
            "yesterday           | false",
            "''                  | false",
    })
    void ifRangeAllows_onlyAStrongMatch(String ifRange, boolean expected) {
        assertThat(Conditionals.ifRangeAllows(date(ifRange), CURRENT, LAST_MODIFIED, NOW)).isEqualTo(expected);
    }

    @Test
    void ifRangeAllows_aDate_onlyOnceItsSecondIsOver() {
        String at = date("at");

        assertThat(Conditionals.ifRangeAllows(at, CURRENT, LAST_MODIFIED, LAST_MODIFIED + 1)).isTrue();
        assertThat(Conditionals.ifRangeAllows(at, CURRENT, LAST_MODIFIED, LAST_MODIFIED)).isFalse();
        assertThat(Conditionals.ifRangeAllows(at, CURRENT, Conditionals.UNKNOWN, NOW)).isFalse();
        assertThat(Conditionals.ifRangeAllows(at, null, LAST_MODIFIED, NOW)).isTrue();
    }

    @Test
    void ifRangeAllows_aTag_neverWithoutACurrentTag() {
        assertThat(Conditionals.ifRangeAllows("\"v2\"", null, LAST_MODIFIED, NOW)).isFalse();
        assertThat(Conditionals.ifRangeAllows("\"v2\"", CURRENT.weakened(), LAST_MODIFIED, NOW)).isFalse();
    }

    @Test
    void ifRangeAllows_fromTheHeaders_wantsOneFieldLine() {
        assertThat(Conditionals.ifRangeAllows(HeaderView.EMPTY, CURRENT, LAST_MODIFIED, NOW)).isTrue();
        assertThat(Conditionals.ifRangeAllows(Headers.of("If-Range", "\"v2\""), CURRENT, LAST_MODIFIED, NOW)).isTrue();
        assertThat(Conditionals.ifRangeAllows(Headers.of("If-Range", "\"v1\""), CURRENT, LAST_MODIFIED, NOW)).isFalse();
        assertThat(Conditionals.ifRangeAllows(Headers.of("If-Range", "\"v2\"", "If-Range", "\"v2\""), CURRENT, LAST_MODIFIED, NOW)).isFalse();
    }
}
