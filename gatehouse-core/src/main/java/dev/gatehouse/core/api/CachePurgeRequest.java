package dev.gatehouse.core.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * {@code POST /api/v1/cache/purge}: {@code {"url": "https://example.com/a?b"}} removes what every
 * route's cache holds for that URL (every version, every variant); {@code {"prefix":
 * "https://example.com/static/"}} removes every URL of that host whose path and query start with
 * the prefix's. Exactly one of the two.
 *
 * @param url    an absolute http or https URL
 * @param prefix an absolute http or https URL whose path (and query) is a prefix
 */
public record CachePurgeRequest(String url, String prefix) {

    /** URLs longer than this are refused: a purge names what a request could. */
    static final int MAX_LENGTH = 8192;

    /**
     * What to purge, checked.
     *
     * @param scheme http or https
     * @param host   the host with its port as given, lower case
     * @param target the path and query, as a client sends them ({@code /} at least)
     * @param exact  whether only this target goes (url), or every target starting with it (prefix)
     */
    public record Target(String scheme, String host, String target, boolean exact) {
    }

    /** The target, or an {@link ApiInputException} naming the field. */
    public Target target() {
        if ((url == null) == (prefix == null)) {
            throw new ApiInputException(url == null ? "url" : "prefix",
                    url == null ? "missing (expected: url or prefix)" : "set together with url (expected: one of them)");
        }
        String field = url != null ? "url" : "prefix";
        String text = url != null ? url : prefix;
        String expected = " (expected: an absolute http or https URL such as https://example.com/path)";
        if (text.length() > MAX_LENGTH) {
            throw new ApiInputException(field, "longer than " + MAX_LENGTH + " characters" + expected);
        }
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new ApiInputException(field, "not a URL" + expected);
        }
        String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || u.getRawAuthority() == null || u.getRawFragment() != null
                || u.getRawUserInfo() != null) {
            throw new ApiInputException(field, Views.quote(text) + expected);
        }
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String target = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
        return new Target(scheme, u.getRawAuthority().toLowerCase(Locale.ROOT), target, url != null);
    }
}
