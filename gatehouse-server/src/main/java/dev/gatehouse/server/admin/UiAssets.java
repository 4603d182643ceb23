package dev.gatehouse.server.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's files, served from the jar under {@code /ui/} without the token: they hold no
 * data (the page asks for the token and reads everything through the API with it), and the login
 * page must load before a token exists. {@code /ui/session} tells the page whether a token is
 * needed at all (what a 401 would tell anyone anyway). The files are a fixed list read when the
 * admin listener starts: a request names one of them or gets 404, so no path reaches another
 * resource and no request makes the node look anything up or keep anything. Only flat names of known types are served, so a path can
 * never reach another resource of the class path; each file is read once and kept.
 *
 * <p>Every answer carries a strict Content-Security-Policy: scripts, styles and connections from
 * this listener only, no inline script, no framing.
 */
final class UiAssets {

    /** Where the files are in the jar. */
    static final String ROOT = "/dev/gatehouse/server/ui/";
    static final String PREFIX = "/ui/";

    /** Every file of the dashboard: read once, at start; nothing else is ever looked up. */
    static final List<String> FILES = List.of("index.html", "app.js", "api.js", "view.js", "actions.js", "dom.js",
            "app.css", "favicon.svg");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
    private final Map<String, byte[]> files;
    private final byte[] session;

    /**
     * @param tokenRequired whether the admin API needs a token: {@code /ui/session} says so, so that
     *                      the page shows its login without first provoking a 401
     */
    UiAssets(boolean tokenRequired) {
        this.session = ("{\"token_required\":" + tokenRequired + "}\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Map<String, byte[]> read = new HashMap<>();
        for (String name : FILES) {
            read.put(name, read(name));
        }
        this.files = Map.copyOf(read);
    }

    /** Whether a path is the dashboard's (answered by {@link #serve}, without the token). */
    static boolean handles(String path) {
        return path.equals("/") || path.equals("/ui") || path.startsWith(PREFIX);
    }

    /**
     * Answers a path {@link #handles} accepted: the file, a redirect from {@code /} and {@code /ui}
     * to {@code /ui/}, 404 for a name that is no dashboard file, 405 for a method other than GET
     * and HEAD.
     */
    AdminResponse serve(HttpMethod method, String path) {
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            throw AdminProblem.methodNotAllowed(method.name(), PREFIX, "GET, HEAD");
        }
        if (!path.startsWith(PREFIX)) {
            return new AdminResponse(HttpResponseStatus.FOUND, TYPES.get("html"), new byte[0],
                    Map.of("Location", PREFIX), null);
        }
        String name = path.substring(PREFIX.length());
        if (name.equals("session")) {
            return new AdminResponse(HttpResponseStatus.OK, AdminResponse.JSON, session, Map.of(), null);
        }
        if (name.isEmpty()) {
            name = "index.html";
        }
        byte[] body = files.get(name);
        if (body == null) {
            throw AdminProblem.notFound("no dashboard file " + PREFIX + (name.length() > 60 ? name.substring(0, 60) + "..." : name)
                    + " (expected: " + PREFIX + ")", null);
        }
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        return new AdminResponse(HttpResponseStatus.OK, type, body, Map.of("Content-Security-Policy", CSP,
                "Referrer-Policy", "no-referrer"), null);
    }

    private static byte[] read(String name) {
        try (InputStream in = UiAssets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException(ROOT + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
