package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.cache.CacheStatusHeader.Forward;
import dev.gatehouse.core.cache.CacheStatusHeader.Report;
import dev.gatehouse.core.cache.Lookup.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random field values built from the pieces that break parsers (quotes, escapes, commas, huge
 * numbers, control and non-ASCII characters, directive names) go through every entry point: none
 * throws, every number stays in range, and adding a restriction never makes the cache do more.
 * Seeded, so a failure repeats.
 */
final class HostileInputTest {

    private static final String[] PIECES = {"max-age", "s-maxage", "no-cache", "no-store", "private", "public", "must-revalidate",
            "proxy-revalidate", "immutable", "must-understand", "stale-while-revalidate", "stale-if-error", "max-stale", "min-fresh",
            "only-if-cached", "=", "\"", "\\", ",", ";", " ", "\t", "0", "60", "-1", "99999999999999999999999", "2147483648", "abc",
            "W/", "*", "\u0000", "\r\n", "\u00e9", "\u212A", "\uD800", "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994", "GMT", ":", "[", "]", "%", "|", "/"};
    private static final String[] NAMES = {"Cache-Control", "Expires", "Date", "Last-Modified", "Age", "ETag", "Vary", "Set-Cookie",
            "Content-Length", "Authorization", "Pragma", "Connection", "Accept-Encoding"};

    private final Random random = new Random(20240611L);

    private String junk() {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    private StoredHeaders fields() {
        List<String> lines = new ArrayList<>();
        int n = random.nextInt(8);
        for (int i = 0; i < n; i++) {
            lines.add(NAMES[random.nextInt(NAMES.length)]);
            lines.add(junk());
        }
        return StoredHeaders.of(lines.toArray(new String[0]));
    }

    @Test
    void noEntryPointThrows_andNumbersStayInRange() {
        CachePolicy policy = new CachePolicy(false, false, false, 86_400, 0.1, 60, 60, 1_000_000);
        for (int i = 0; i < 20_000; i++) {
            StoredHeaders request = fields();
            StoredHeaders response = fields();
            int status = random.nextInt(700) - 50;
            long t = random.nextLong();

            CacheControl cc = CacheControl.parse(response.all("Cache-Control"));
            assertThat(cc.maxAge()).isBetween(CacheControl.ABSENT, DeltaSeconds.MAX);
            assertThat(cc.minFresh()).isBetween(CacheControl.ABSENT, DeltaSeconds.MAX);
            Storability.Decision stored = Storability.check("GET", request, status, response, policy);
            assertThat(stored.reason()).isNotBlank();
            assertThat(Freshness.lifetimeSeconds(response, status, t, policy)).isBetween(0L, DeltaSeconds.MAX);
            assertThat(Freshness.currentAgeSeconds(response, t, t + random.nextInt(10), t + random.nextInt(1000)))
                    .isBetween(0L, DeltaSeconds.MAX);
            VaryKey.secondaryKey(response, request);

            StoredMeta meta = StoredMeta.of(200, Storability.fieldsToStore(response), 1000, 1000, policy);
            long now = 1000 + random.nextInt(100_000);
            Lookup.Decision d = Lookup.decide(request, meta, now, policy);
            assertThat(d.ageSeconds()).isBetween(0L, DeltaSeconds.MAX);
            Lookup.staleIfErrorAllows(request, meta, now, policy);
            Revalidation.conditionalHeaders(meta);
            Revalidation.selects(meta.headers(), fields(), now);
            Revalidation.freshen(meta, fields(), now, now, policy);

            CacheKey key = CacheKey.of(junk(), junk(), random.nextBoolean() ? junk() : null, "GET", "https", junk(), "/" + junk());
            assertThat(CacheKey.parse(key.toString())).isEqualTo(key);
            String status1 = CacheStatusHeader.value(junk(), Report.miss(Forward.MISS, status, false, t).withDetail(junk()));
            assertThat(status1.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
        }
    }

    @Test
    void addingRestrictions_neverMakesTheCacheDoMore() {
        for (int i = 0; i < 20_000; i++) {
            StoredHeaders request = fields();
            StoredHeaders response = fields();

            assertThat(Storability.check("GET", request.with("Cache-Control", "no-store"), 200, response, CachePolicy.DEFAULTS).store())
                    .isFalse();
            assertThat(Storability.check("GET", request, 200, response.with("Cache-Control", "private"), CachePolicy.DEFAULTS).store())
                    .isFalse();
            assertThat(Storability.check("GET", request, 200, response.with("Vary", "*"), CachePolicy.DEFAULTS).store()).isFalse();

            StoredMeta meta = StoredMeta.of(200, response, 1000, 1000, CachePolicy.DEFAULTS);
            long now = 1000 + random.nextInt(100_000);
            Outcome o = Lookup.decide(request.without("Cache-Control").with("Cache-Control", "no-cache"), meta, now, CachePolicy.DEFAULTS)
                    .outcome();
            assertThat(o).isIn(Outcome.REVALIDATE, Outcome.MISS, Outcome.ONLY_IF_CACHED_MISS);
            StoredMeta mustRevalidate = StoredMeta.of(200, response.with("Cache-Control", "must-revalidate"), 1000, 1000, CachePolicy.DEFAULTS);
            Lookup.Decision d = Lookup.decide(request, mustRevalidate, now, CachePolicy.DEFAULTS);
            if (d.ttlSeconds() <= 0) {
                assertThat(d.outcome()).isIn(Outcome.REVALIDATE, Outcome.MISS, Outcome.ONLY_IF_CACHED_MISS);
                assertThat(Lookup.staleIfErrorAllows(request, mustRevalidate, now, CachePolicy.DEFAULTS)).isFalse();
            }
        }
    }
}
