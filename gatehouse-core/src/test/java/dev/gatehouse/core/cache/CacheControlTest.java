package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class CacheControlTest {

    private static CacheControl cc(String... lines) {
        return CacheControl.parse(Arrays.asList(lines));
    }

    @Test
    void noField_isNone() {
        assertThat(CacheControl.parse(List.of())).isEqualTo(CacheControl.NONE);
        assertThat(CacheControl.parse(null)).isEqualTo(CacheControl.NONE);
        assertThat(CacheControl.NONE.maxAge()).isEqualTo(CacheControl.ABSENT);
        assertThat(CacheControl.NONE.noStore()).isFalse();
    }

    @Test
    void readsEveryResponseDirective() {
        CacheControl c = cc("public, max-age=60, s-maxage=120, must-revalidate, proxy-revalidate",
                "no-transform, immutable, stale-while-revalidate=30, stale-if-error=600, must-understand");

        assertThat(c.isPublic()).isTrue();
        assertThat(c.maxAge()).isEqualTo(60);
        assertThat(c.sMaxAge()).isEqualTo(120);
        assertThat(c.mustRevalidate()).isTrue();
        assertThat(c.proxyRevalidate()).isTrue();
        assertThat(c.noTransform()).isTrue();
        assertThat(c.immutable()).isTrue();
        assertThat(c.staleWhileRevalidate()).isEqualTo(30);
        assertThat(c.staleIfError()).isEqualTo(600);
        assertThat(c.mustUnderstand()).isTrue();
        assertThat(c.noStore()).isFalse();
        assertThat(c.noCache()).isFalse();
        assertThat(c.isPrivate()).isFalse();
    }

    @Test
    void readsEveryRequestDirective() {
        CacheControl c = cc("max-age=5, max-stale=10, min-fresh=20, only-if-cached, no-cache, no-store");

        assertThat(c.maxAge()).isEqualTo(5);
        assertThat(c.maxStale()).isEqualTo(10);
        assertThat(c.minFresh()).isEqualTo(20);
        assertThat(c.onlyIfCached()).isTrue();
        assertThat(c.noCache()).isTrue();
        assertThat(c.noStore()).isTrue();
    }

    @Test
    void namesAreCaseInsensitive_andWhitespaceAroundElementsIsAllowed() {
        CacheControl c = cc("  Max-Age=60 ,\tNO-STORE , ,Private  ");

        assertThat(c.maxAge()).isEqualTo(60);
        assertThat(c.noStore()).isTrue();
        assertThat(c.isPrivate()).isTrue();
    }

    @Test
    void quotedArguments_areAccepted() {
        assertThat(cc("max-age=\"60\"").maxAge()).isEqualTo(60);
        assertThat(cc("s-maxage=\"0\"").sMaxAge()).isZero();
        assertThat(cc("stale-if-error=\"5\"").staleIfError()).isEqualTo(5);
    }

    @Test
    void maxStaleWithoutValue_acceptsAnyStaleness() {
        assertThat(cc("max-stale").maxStale()).isEqualTo(CacheControl.ANY_STALENESS);
        assertThat(cc("max-stale=0").maxStale()).isZero();
    }

    @Test
    void qualifiedNoCacheAndPrivate_areReadAsUnqualified() {
        CacheControl c = cc("no-cache=\"Set-Cookie, X-Token\", private=\"Authorization\", max-age=60");

        assertThat(c.noCache()).isTrue();
        assertThat(c.isPrivate()).isTrue();
        // The comma inside the quoted list does not start a directive.
        assertThat(c.maxAge()).isEqualTo(60);
        assertThat(cc("no-cache=Set-Cookie").noCache()).isTrue();
    }

    @Test
    void aCommaInsideAQuotedStringDoesNotSmuggleADirective() {
        CacheControl c = cc("x-ext=\"a, public, max-age=999\"");

        assertThat(c.isPublic()).isFalse();
        assertThat(c.maxAge()).isEqualTo(CacheControl.ABSENT);
        assertThat(cc("x-ext=\"a\\\", public\"").isPublic()).isFalse();
    }

    @Test
    void directivesAcrossLines_areCombined() {
        CacheControl c = cc("max-age=60", "no-transform", "");

        assertThat(c.maxAge()).isEqualTo(60);
        assertThat(c.noTransform()).isTrue();
    }

    @Test
    void unknownDirectives_areIgnored() {
        assertThat(cc("community=\"UCI\", foo, bar=baz, max-age=3")).isEqualTo(cc("max-age=3"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max-age=99999999999999999999|2147483648",
            "max-age=2147483648|2147483648",
            "max-age=2147483649|2147483648",
            "max-age=2147483647|2147483647",
            "max-age=0060|60",
            "max-age=0|0",
    })
    void bigValues_clampTo2pow31(String field, long expected) {
        assertThat(cc(field).maxAge()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"max-age", "max-age=", "max-age=abc", "max-age=-1", "max-age=+5", "max-age=1.5",
            "max-age=1e3", "max-age = 60", "max-age =60", "max-age= 60", "max-age=\"60", "max-age=\"6 0\"",
            "max-age=60 junk", "max-age=60;x", "max-age=\uFF16\uFF10", "max-age=\"\""})
    void invalidMaxAge_isZero_soTheResponseIsStale(String field) {
        assertThat(cc(field).maxAge()).isZero();
    }

    @Test
    void invalidSMaxAge_isZero() {
        assertThat(cc("s-maxage=soon").sMaxAge()).isZero();
        assertThat(cc("s-maxage").sMaxAge()).isZero();
    }

    @Test
    void duplicateLifetimes_withDifferentValues_areZero_withTheSameValue_areKept() {
        assertThat(cc("max-age=60, max-age=120").maxAge()).isZero();
        assertThat(cc("max-age=60", "max-age=120").maxAge()).isZero();
        assertThat(cc("max-age=60, max-age=abc").maxAge()).isZero();
        assertThat(cc("max-age=abc, max-age=60").maxAge()).isZero();
        assertThat(cc("max-age=60, MAX-AGE=\"60\"").maxAge()).isEqualTo(60);
        assertThat(cc("s-maxage=1, s-maxage=2").sMaxAge()).isZero();
    }

    @Test
    void staleWindows_invalidAreZero_duplicatesTakeTheSmallest() {
        assertThat(cc("stale-while-revalidate").staleWhileRevalidate()).isZero();
        assertThat(cc("stale-while-revalidate=x").staleWhileRevalidate()).isZero();
        assertThat(cc("stale-while-revalidate=60, stale-while-revalidate=30").staleWhileRevalidate()).isEqualTo(30);
        assertThat(cc("stale-if-error=600, stale-if-error=-1").staleIfError()).isZero();
        assertThat(cc("stale-if-error=9999999999999").staleIfError()).isEqualTo(DeltaSeconds.MAX);
    }

    @Test
    void requestWindows_invalidAndDuplicates_takeTheStricterReading() {
        assertThat(cc("max-stale=abc").maxStale()).isZero();
        assertThat(cc("max-stale, max-stale=10").maxStale()).isEqualTo(10);
        assertThat(cc("max-stale=10, max-stale=5").maxStale()).isEqualTo(5);
        assertThat(cc("min-fresh=abc").minFresh()).isEqualTo(DeltaSeconds.MAX);
        assertThat(cc("min-fresh").minFresh()).isEqualTo(DeltaSeconds.MAX);
        assertThat(cc("min-fresh=10, min-fresh=30").minFresh()).isEqualTo(30);
        assertThat(cc("max-age=10, max-age=0").maxAge()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"no-store=1", "no-store;", "no-store garbage", "no-store=\"unterminated", "no-store =x", "No-Store=\"\""})
    void restrictingFlags_countHoweverMalformed(String field) {
        assertThat(cc(field).noStore()).isTrue();
    }

    @Test
    void otherRestrictingFlags_countWithArguments() {
        CacheControl c = cc("must-revalidate=1, proxy-revalidate=\"x\", no-transform=y, private;z");

        assertThat(c.mustRevalidate()).isTrue();
        assertThat(c.proxyRevalidate()).isTrue();
        assertThat(c.noTransform()).isTrue();
        assertThat(c.isPrivate()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"public=1", "public=\"\"", "public;", "public garbage", "public =", "immutable=yes", "only-if-cached=1",
            "must-understand=1"})
    void permittingFlags_needTheirPlainForm(String field) {
        CacheControl c = cc(field);

        assertThat(c.isPublic()).isFalse();
        assertThat(c.immutable()).isFalse();
        assertThat(c.onlyIfCached()).isFalse();
        assertThat(c.mustUnderstand()).isFalse();
    }

    @Test
    void aMalformedElementDoesNotSpoilTheNext() {
        CacheControl c = cc("max-age=60 60, public, =5, \"quoted\", @@, no-store");

        assertThat(c.maxAge()).isZero();
        assertThat(c.isPublic()).isTrue();
        assertThat(c.noStore()).isTrue();
    }

    @Test
    void controlCharactersInAQuotedString_makeItMalformed() {
        assertThat(cc("max-age=\"6\u00000\"").maxAge()).isZero();
        assertThat(cc("x=\"a\u0001b\", public").isPublic()).isFalse();
    }

    @Test
    void tooLongAField_isNoStoreAndNoCache() {
        String huge = "public, " + "x".repeat(DirectiveList.MAX_CHARS);
        CacheControl c = cc(huge);

        assertThat(c.noStore()).isTrue();
        assertThat(c.noCache()).isTrue();
    }

    @Test
    void tooManyLines_isNoStore() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < DirectiveList.MAX_CHARS + 1; i++) {
            lines.add("");
        }
        assertThat(CacheControl.parse(lines).noStore()).isTrue();
    }

    @Test
    void tooManyDirectives_isNoStore() {
        String many = "a,".repeat(DirectiveList.MAX_DIRECTIVES) + "public";
        assertThat(cc(many).noStore()).isTrue();
        assertThat(cc("a,".repeat(DirectiveList.MAX_DIRECTIVES - 1) + "public").noStore()).isFalse();
    }

    @Test
    void nullLines_areSkipped() {
        assertThat(CacheControl.parse(Arrays.asList(null, "max-age=1")).maxAge()).isEqualTo(1);
    }

    @Test
    void staleForbidden_byNoCacheMustRevalidateProxyRevalidateOrSMaxAge() {
        assertThat(cc("max-age=60").staleForbidden()).isFalse();
        assertThat(cc("no-cache").staleForbidden()).isTrue();
        assertThat(cc("must-revalidate").staleForbidden()).isTrue();
        assertThat(cc("proxy-revalidate").staleForbidden()).isTrue();
        assertThat(cc("s-maxage=60").staleForbidden()).isTrue();
    }

    @Test
    void allowsAuthorized_byPublicSMaxAgeOrMustRevalidate() {
        assertThat(cc("max-age=60").allowsAuthorized()).isFalse();
        assertThat(cc("public").allowsAuthorized()).isTrue();
        assertThat(cc("s-maxage=1").allowsAuthorized()).isTrue();
        assertThat(cc("must-revalidate").allowsAuthorized()).isTrue();
        assertThat(cc("proxy-revalidate").allowsAuthorized()).isFalse();
    }
}
