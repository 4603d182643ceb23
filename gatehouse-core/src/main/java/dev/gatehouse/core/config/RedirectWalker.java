package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a route's {@code redirect}: {@code scheme} and {@code port} (the request's host kept), or
 * {@code to}, a fixed origin; and {@code status}. Part of {@link ConfigWalker}.
 */
final class RedirectWalker {

    static final List<String> KEYS = List.of("scheme", "port", "to", "status");

    /** {@code scheme://authority}, with at most a lone {@code /} after it: an origin, no path, query or fragment. */
    private static final Pattern ORIGIN = Pattern.compile("(?i)(https?)://([^/?#@]+)/?");
    private static final Pattern AUTHORITY = Pattern.compile("(\\[[^]]*]|[^:\\[\\]]+)(?::([0-9]{1,5}))?");

    private final Values in;

    RedirectWalker(Values in) {
        this.in = in;
    }

    RedirectConfig redirect(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        String scheme = "https";
        String host = null;
        Integer port = 0;
        Integer status = RedirectConfig.DEFAULT_STATUS;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "scheme" -> scheme = scheme(in.string(f.value(), f.path()), f.path());
                case "port" -> port = in.integer(f.value(), f.path(), 1, 65535);
                case "to" -> {
                    RedirectConfig origin = origin(in.string(f.value(), f.path()), f.path());
                    if (origin != null) {
                        scheme = origin.scheme();
                        host = origin.host();
                        port = origin.port();
                    }
                }
                case "status" -> status = status(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (fields.has("to")) {
            for (String key : List.of("scheme", "port")) {
                if (fields.has(key)) {
                    in.error(Paths.child(path, key), "set together with to (expected: one of them; to names the scheme and port)");
                }
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        String s = scheme;
        String h = host;
        int p = port;
        int st = status;
        return in.build(path, KEYS, () -> new RedirectConfig(s, h, p, st));
    }

    private String scheme(String text, String path) {
        if (text == null) {
            return null;
        }
        String s = text.toLowerCase(Locale.ROOT);
        if (!s.equals("http") && !s.equals("https")) {
            in.error(path, Values.quote(text) + " (expected one of: http, https)");
            return null;
        }
        return s;
    }

    private Integer status(JsonNode node, String path) {
        Integer code = in.integer(node, path, 300, 399);
        if (code != null && code != 301 && code != 302 && code != 307 && code != 308) {
            in.error(path, code + " (expected one of: 301, 302, 307, 308)");
            return null;
        }
        return code;
    }

    /** Parses {@code to}; the result carries its scheme, host and port (0 when not given), status unused. */
    private RedirectConfig origin(String text, String path) {
        if (text == null) {
            return null;
        }
        String expected = " (expected: an origin such as https://example.com or https://example.com:8443, without path, query or user)";
        Matcher m = ORIGIN.matcher(text);
        Matcher a = m.matches() ? AUTHORITY.matcher(m.group(2)) : null;
        if (a == null || !a.matches()) {
            in.error(path, Values.quote(text) + expected);
            return null;
        }
        String host = a.group(1).toLowerCase(Locale.ROOT);
        int port = a.group(2) == null ? 0 : Integer.parseInt(a.group(2));
        if (!RedirectConfig.isHost(host) || (a.group(2) != null && (port < 1 || port > 65535))) {
            in.error(path, Values.quote(text) + expected);
            return null;
        }
        return new RedirectConfig(m.group(1).toLowerCase(Locale.ROOT), host, port, RedirectConfig.DEFAULT_STATUS);
    }
}
