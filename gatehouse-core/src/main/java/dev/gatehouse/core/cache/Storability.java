package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import dev.gatehouse.core.content.HeaderView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a shared cache may store a response (RFC 9111 §3, §3.5), and which of its fields.
 *
 * <p>Stored only when all of these hold, checked in this order (the first that fails is the
 * reason):
 * <ol>
 *   <li>the method is {@code GET} (case-sensitive, RFC 9110 §9.1). {@code HEAD} responses are not
 *       stored: they have no content to serve a later GET, and updating a stored response from a
 *       HEAD (§4.3.5) is not done;</li>
 *   <li>the status is final (200-599) and not 206 (partial content is out of scope) nor 304 (it
 *       updates a stored response, see {@link Revalidation}); with {@code must-understand}, it
 *       must also be a status whose caching rules this cache implements (§5.2.2.3), and then a
 *       {@code no-store} beside it is ignored, as that section advises;</li>
 *   <li>neither the request nor the response has {@code no-store};</li>
 *   <li>the response has no {@code private}, qualified or not, unless
 *       {@link CachePolicy#cachePrivate()};</li>
 *   <li>a request with {@code Authorization} got a response with {@code public}, {@code s-maxage}
 *       or {@code must-revalidate}, or {@link CachePolicy#cacheAuthorized()} (§3.5);</li>
 *   <li>the response has no {@code Set-Cookie}, unless {@link CachePolicy#cacheSetCookie()}, and
 *       then the decision says {@link Decision#stripSetCookie()};</li>
 *   <li>its {@code Vary} can match a later request (no {@code *}, see {@link VaryKey});</li>
 *   <li>its {@code Content-Length}, if any, is valid and at most
 *       {@link CachePolicy#maxObjectBytes()} (the data plane also stops storing a body that
 *       grows past it while streaming);</li>
 *   <li>it states an expiry ({@code max-age}, {@code s-maxage}, {@code Expires}, even an invalid
 *       one, which makes it stale), or has {@code public}, or its status is heuristically
 *       cacheable (RFC 9110 §15.1). A {@code no-cache} response with a validator but none of
 *       these (a 302, say) is not stored: §3 does not list that case, and it could only ever be
 *       revalidated.</li>
 * </ol>
 * A response to a request with {@code Cookie} is stored like any other: a backend whose answers
 * depend on cookies says {@code Vary: Cookie} or {@code private}.
 */
public final class Storability {

    /**
     * The statuses whose caching requirements this cache implements (for {@code must-understand}):
     * the heuristically cacheable ones this cache stores, and the redirects.
     */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501);

    /** What {@link #contentLength} returns for a field that is not one valid length. */
    private static final long INVALID_LENGTH = -2;

    /**
     * The outcome.
     *
     * @param store          whether to store the response
     * @param reason         why, as a short token for logs and the {@code Cache-Status} detail:
     *                       {@code stored} when it is stored, else the rule that refused it
     * @param stripSetCookie whether the response carried {@code Set-Cookie} and is stored anyway (by
     *                       {@link CachePolicy#cacheSetCookie()}); the stored copy must be made with
     *                       {@link #fieldsToStore}, which drops it
     */
    public record Decision(boolean store, String reason, boolean stripSetCookie) {
    }

    private Storability() {
    }

    /**
     * Decides whether to store a response.
     *
     * @param method   the request method as received
     * @param request  the request's fields
     * @param status   the response status
     * @param response the response's fields
     * @param policy   the route's caching knobs
     */
    public static Decision check(String method, HeaderView request, int status, HeaderView response, CachePolicy policy) {
        if (!"GET".equals(method)) {
            return no("method");
        }
        if (status < 200 || status > 599) {
            return no("status");
        }
        if (status == 206) {
            return no("partial");
        }
        if (status == 304) {
            return no("not-modified");
        }
        CacheControl res = CacheControl.parse(response.all("Cache-Control"));
        boolean understood = UNDERSTOOD.contains(status);
        if (res.mustUnderstand() && !understood) {
            return no("must-understand");
        }
        if (CacheControl.parse(request.all("Cache-Control")).noStore()) {
            return no("request-no-store");
        }
        if (res.noStore() && !(res.mustUnderstand() && understood)) {
            return no("no-store");
        }
        if (res.isPrivate() && !policy.cachePrivate()) {
            return no("private");
        }
        if (request.has("Authorization") && !res.allowsAuthorized() && !policy.cacheAuthorized()) {
            return no("authorization");
        }
        boolean setCookie = response.has("Set-Cookie") || response.has("Set-Cookie2");
        if (setCookie && !policy.cacheSetCookie()) {
            return no("set-cookie");
        }
        if (VaryKey.fieldNames(response) == null) {
            return no("vary");
        }
        long length = contentLength(response);
        if (length == INVALID_LENGTH) {
            return no("content-length");
        }
        if (length > policy.maxObjectBytes()) {
            return no("too-large");
        }
        if (!Freshness.hasExplicitExpiry(res, response) && !res.isPublic() && !Freshness.heuristicallyCacheable(status)) {
            return no("no-freshness");
        }
        return new Decision(true, "stored", setCookie);
    }

    /**
     * The fields of a response to store: all of them, in order, except those §3.1 keeps out (the
     * hop-by-hop fields, {@code Connection} and the fields it names, the proxy authentication
     * fields) and {@code Set-Cookie}, which is never stored (see {@link CachePolicy#cacheSetCookie()}).
     */
    public static StoredHeaders fieldsToStore(Iterable<? extends Map.Entry<String, String>> response) {
        StoredHeaders all = StoredHeaders.copyOf(response);
        Set<String> unstored = UnstoredFields.of(all);
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, String> e : all) {
            if (!unstored.contains(Ascii.lower(e.getKey()))) {
                kept.add(e.getKey());
                kept.add(e.getValue());
            }
        }
        return kept.size() == all.size() * 2 ? all : StoredHeaders.of(kept.toArray(new String[0]));
    }

    /**
     * The {@code Content-Length}: -1 when absent; {@link #INVALID_LENGTH} when any member of any
     * line is not digits or members differ (RFC 9110 §8.6 allows only repeats of one value); values
     * too large for a long read as {@link Long#MAX_VALUE}.
     */
    static long contentLength(HeaderView response) {
        long length = -1;
        for (String line : response.all("Content-Length")) {
            for (String member : line.split(",", -1)) {
                long v = digits(HttpSyntax.trimOws(member));
                if (v < 0 || (length >= 0 && v != length)) {
                    return INVALID_LENGTH;
                }
                length = v;
            }
        }
        return length;
    }

    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }

    private static Decision no(String reason) {
        return new Decision(false, reason, false);
    }
}
