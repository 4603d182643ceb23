package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import java.util.Objects;

/**
 * The {@code Cache-Status} field (RFC 9211) that tells clients and operators what the cache did,
 * and the {@code Age} field of a served copy.
 *
 * <p>Our entry is one list member: the cache's name, then parameters ({@code hit}, {@code fwd},
 * {@code fwd-status}, {@code stored}, {@code collapsed}, {@code ttl}, {@code detail}), e.g.
 * {@code gatehouse; fwd=uri-miss; fwd-status=200; stored; ttl=60}. The {@code key} parameter is
 * never sent: our keys hold route and version names that are nobody's business outside.
 */
public final class CacheStatusHeader {

    /** The field name. */
    public static final String NAME = "Cache-Status";

    /** The longest {@code detail} sent; longer ones are cut. */
    static final int MAX_DETAIL = 128;
    /** sf-integer's range (RFC 8941 §3.3.1): at most 15 digits. */
    private static final long SF_INTEGER_MAX = 999_999_999_999_999L;

    /** What the cache did with a request, as we count and report it. */
    public enum Outcome {
        /** Served from the store, fresh. */
        HIT,
        /**
         * Served from the store, stale: while it is revalidated in the background, because the
         * client's max-stale accepted it (both reported as {@code hit}), or because the backend
         * failed (reported with the forward that failed); the detail says which.
         */
        STALE,
        /** Forwarded; the response came from the backend (and was maybe stored). */
        MISS,
        /** Validated with the backend, which answered 304; served from the store. */
        REVALIDATED,
        /** Not handled by the cache (method, route or request not cacheable). */
        BYPASS,
        /** Waited for another request's fetch of the same key and served its response. */
        COLLAPSED
    }

    /** Why a request went to the backend: RFC 9211 §2.2's {@code fwd} values we use. */
    public enum Forward {
        /** The cache was configured not to handle the request. */
        BYPASS("bypass"),
        /** The method is not cacheable. */
        METHOD("method"),
        /** Nothing was stored for the URI. */
        URI_MISS("uri-miss"),
        /** Something was stored for the URI, but no variant matched the request's Vary fields. */
        VARY_MISS("vary-miss"),
        /** Nothing usable was stored, for another reason. */
        MISS("miss"),
        /** The request's directives (no-cache, max-age, ...) did not allow the stored response. */
        REQUEST("request"),
        /** The stored response was stale. */
        STALE("stale");

        private final String token;

        Forward(String token) {
            this.token = token;
        }

        /** The {@code fwd} value. */
        public String token() {
            return token;
        }
    }

    /**
     * One report. Use the factories.
     *
     * @param outcome       what happened
     * @param forward       why the request was forwarded; null when it was not ({@code hit})
     * @param forwardStatus the status the backend answered, 0 when none (not forwarded, or no answer)
     * @param stored        whether the response was stored
     * @param ttl           the response's remaining freshness (negative when stale), or {@link #NO_TTL}
     * @param detail        free text for operators, or null
     */
    public record Report(Outcome outcome, Forward forward, int forwardStatus, boolean stored, long ttl, String detail) {

        /** No {@code ttl} parameter. */
        public static final long NO_TTL = Long.MIN_VALUE;

        /** Checks that {@code hit} and {@code fwd} agree with the outcome. */
        public Report {
            Objects.requireNonNull(outcome, "outcome");
            if (outcome == Outcome.HIT && forward != null) {
                throw new IllegalArgumentException("a hit was not forwarded: " + forward);
            }
            if (outcome != Outcome.HIT && outcome != Outcome.STALE && forward == null) {
                throw new IllegalArgumentException(outcome + " needs the reason it was forwarded");
            }
        }

        /** Served fresh from the store. */
        public static Report hit(long ttl) {
            return new Report(Outcome.HIT, null, 0, false, ttl, null);
        }

        /** Served stale from the store without forwarding ({@code max-stale}, {@code stale-while-revalidate}). */
        public static Report staleHit(long ttl, String detail) {
            return new Report(Outcome.STALE, null, 0, false, ttl, detail);
        }

        /** Served stale after the backend failed; {@code forwardStatus} 0 when it gave no answer. */
        public static Report staleOnError(Forward why, int forwardStatus, long ttl) {
            return new Report(Outcome.STALE, Objects.requireNonNull(why, "why"), forwardStatus, false, ttl, "stale-if-error");
        }

        /** Forwarded and answered by the backend; {@code ttl} of the new response if stored, else {@link #NO_TTL}. */
        public static Report miss(Forward why, int forwardStatus, boolean stored, long ttl) {
            return new Report(Outcome.MISS, why, forwardStatus, stored, ttl, null);
        }

        /** Validated: the backend answered 304, the stored response was served and stored again, freshened. */
        public static Report revalidated(Forward why, long ttl) {
            return new Report(Outcome.REVALIDATED, why, 304, true, ttl, null);
        }

        /** Not handled by the cache. */
        public static Report bypass(Forward why) {
            return new Report(Outcome.BYPASS, why, 0, false, NO_TTL, null);
        }

        /** Served the response of another request's fetch. */
        public static Report collapsed(Forward why, int forwardStatus, boolean stored, long ttl) {
            return new Report(Outcome.COLLAPSED, why, forwardStatus, stored, ttl, null);
        }

        /** This report with {@code detail} (for example a {@link Storability.Decision#reason()}). */
        public Report withDetail(String detail) {
            return new Report(outcome, forward, forwardStatus, stored, ttl, detail);
        }
    }

    private CacheStatusHeader() {
    }

    /**
     * Our list member for {@code report}, e.g. {@code gatehouse; hit; ttl=30}.
     *
     * @param cacheName the cache's name: sent as an sf-token when it is one, else as an sf-string
     */
    public static String value(String cacheName, Report report) {
        StringBuilder b = new StringBuilder(64);
        if (isSfToken(cacheName)) {
            b.append(cacheName);
        } else {
            sfString(b, cacheName, 64);
        }
        if (report.forward() == null) {
            b.append("; hit");
        } else {
            b.append("; fwd=").append(report.forward().token());
        }
        if (report.forwardStatus() >= 100 && report.forwardStatus() <= 599) {
            b.append("; fwd-status=").append(report.forwardStatus());
        }
        if (report.stored()) {
            b.append("; stored");
        }
        if (report.outcome() == Outcome.COLLAPSED) {
            b.append("; collapsed");
        }
        if (report.ttl() != Report.NO_TTL) {
            b.append("; ttl=").append(Math.max(-SF_INTEGER_MAX, Math.min(SF_INTEGER_MAX, report.ttl())));
        }
        if (report.detail() != null && !report.detail().isEmpty()) {
            b.append("; detail=");
            sfString(b, report.detail(), MAX_DETAIL);
        }
        return b.toString();
    }

    /**
     * The field value with our member added after those of caches nearer the origin (RFC 9211 §2:
     * members are in the order the caches handled the response).
     *
     * @param received the value from the backend's response, or null
     * @param ours     our member, from {@link #value}
     */
    public static String append(String received, String ours) {
        if (received == null || HttpSyntax.trimOws(received).isEmpty()) {
            return ours;
        }
        return HttpSyntax.trimOws(received) + ", " + ours;
    }

    /** The {@code Age} value for a copy {@code seconds} old: delta-seconds, within 0 and 2<sup>31</sup>. */
    public static String ageValue(long seconds) {
        return Long.toString(DeltaSeconds.clamp(seconds));
    }

    /** sf-token (RFC 8941 §3.3.4): {@code ( ALPHA / "*" ) *( tchar / ":" / "/" )}. */
    static boolean isSfToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        char first = s.charAt(0);
        if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || first == '*')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!HttpSyntax.isTchar(c) && c != ':' && c != '/') {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends {@code s} as an sf-string (RFC 8941 §3.3.3): quoted, {@code "} and {@code \} escaped,
     * characters outside printable ASCII (which it cannot hold) as {@code ?}, cut to {@code max}.
     */
    static void sfString(StringBuilder b, String s, int max) {
        b.append('"');
        String text = s == null ? "" : s;
        for (int i = 0; i < Math.min(text.length(), max); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c >= 0x20 && c < 0x7f ? c : '?');
            }
        }
        b.append('"');
    }
}
