package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.cache.CacheStatusHeader.Forward;
import dev.gatehouse.core.cache.CacheStatusHeader.Outcome;
import dev.gatehouse.core.cache.CacheStatusHeader.Report;
import org.junit.jupiter.api.Test;

final class CacheStatusHeaderTest {

    private static String value(Report r) {
        return CacheStatusHeader.value("gatehouse", r);
    }

    @Test
    void eachOutcome() {
        assertThat(value(Report.hit(30))).isEqualTo("gatehouse; hit; ttl=30");
        assertThat(value(Report.staleHit(-10, "stale-while-revalidate"))).isEqualTo("gatehouse; hit; ttl=-10; detail=\"stale-while-revalidate\"");
        assertThat(value(Report.staleOnError(Forward.STALE, 503, -20))).isEqualTo("gatehouse; fwd=stale; fwd-status=503; ttl=-20; detail=\"stale-if-error\"");
        assertThat(value(Report.staleOnError(Forward.STALE, 0, -20))).isEqualTo("gatehouse; fwd=stale; ttl=-20; detail=\"stale-if-error\"");
        assertThat(value(Report.miss(Forward.URI_MISS, 200, true, 60))).isEqualTo("gatehouse; fwd=uri-miss; fwd-status=200; stored; ttl=60");
        assertThat(value(Report.miss(Forward.VARY_MISS, 200, false, Report.NO_TTL))).isEqualTo("gatehouse; fwd=vary-miss; fwd-status=200");
        assertThat(value(Report.revalidated(Forward.STALE, 120))).isEqualTo("gatehouse; fwd=stale; fwd-status=304; stored; ttl=120");
        assertThat(value(Report.revalidated(Forward.REQUEST, 120))).isEqualTo("gatehouse; fwd=request; fwd-status=304; stored; ttl=120");
        assertThat(value(Report.bypass(Forward.METHOD))).isEqualTo("gatehouse; fwd=method");
        assertThat(value(Report.collapsed(Forward.URI_MISS, 200, true, 60))).isEqualTo("gatehouse; fwd=uri-miss; fwd-status=200; stored; collapsed; ttl=60");
    }

    @Test
    void detail_isAnEscapedSfString() {
        assertThat(value(Report.miss(Forward.MISS, 200, false, Report.NO_TTL).withDetail("no-store")))
                .isEqualTo("gatehouse; fwd=miss; fwd-status=200; detail=\"no-store\"");
        assertThat(value(Report.hit(1).withDetail("a \"quoted\" \\ path"))).endsWith("; detail=\"a \\\"quoted\\\" \\\\ path\"");
        assertThat(value(Report.hit(1).withDetail("caf\u00e9\r\n\u0000"))).endsWith("; detail=\"caf????\"");
        assertThat(value(Report.hit(1).withDetail(""))).isEqualTo("gatehouse; hit; ttl=1");
        assertThat(value(Report.hit(1).withDetail("x".repeat(1000)))).endsWith("\"" + "x".repeat(CacheStatusHeader.MAX_DETAIL) + "\"");
    }

    @Test
    void ttl_staysAnSfInteger_andFwdStatusAStatus() {
        assertThat(value(Report.hit(Long.MAX_VALUE))).isEqualTo("gatehouse; hit; ttl=999999999999999");
        assertThat(value(Report.hit(Long.MIN_VALUE + 1))).isEqualTo("gatehouse; hit; ttl=-999999999999999");
        assertThat(value(Report.miss(Forward.MISS, 1000, false, Report.NO_TTL))).isEqualTo("gatehouse; fwd=miss");
        assertThat(value(Report.miss(Forward.MISS, 99, false, Report.NO_TTL))).isEqualTo("gatehouse; fwd=miss");
    }

    @Test
    void theCacheName_isATokenWhenItCanBe_elseAString() {
        assertThat(CacheStatusHeader.value("edge-1.example:cache", Report.hit(1))).startsWith("edge-1.example:cache;");
        assertThat(CacheStatusHeader.value("1edge", Report.hit(1))).startsWith("\"1edge\";");
        assertThat(CacheStatusHeader.value("my cache", Report.hit(1))).startsWith("\"my cache\";");
        assertThat(CacheStatusHeader.value("", Report.hit(1))).startsWith("\"\";");
    }

    @Test
    void reports_mustSayWhyTheyWereForwarded() {
        assertThatThrownBy(() -> new Report(Outcome.HIT, Forward.MISS, 0, false, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Report.miss(null, 200, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Report.bypass(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Report(null, null, 0, false, 0, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void append_addsOurMemberAfterTheUpstreamOnes() {
        assertThat(CacheStatusHeader.append(null, "gatehouse; hit")).isEqualTo("gatehouse; hit");
        assertThat(CacheStatusHeader.append("  ", "gatehouse; hit")).isEqualTo("gatehouse; hit");
        assertThat(CacheStatusHeader.append("origin-cache; hit ", "gatehouse; hit")).isEqualTo("origin-cache; hit, gatehouse; hit");
    }

    @Test
    void ageValue_isDeltaSeconds() {
        assertThat(CacheStatusHeader.ageValue(42)).isEqualTo("42");
        assertThat(CacheStatusHeader.ageValue(-5)).isEqualTo("0");
        assertThat(CacheStatusHeader.ageValue(Long.MAX_VALUE)).isEqualTo("2147483648");
    }

    @Test
    void forwardTokens_areRfc9211s() {
        assertThat(Forward.URI_MISS.token()).isEqualTo("uri-miss");
        assertThat(Forward.VARY_MISS.token()).isEqualTo("vary-miss");
        assertThat(Forward.BYPASS.token()).isEqualTo("bypass");
    }
}
