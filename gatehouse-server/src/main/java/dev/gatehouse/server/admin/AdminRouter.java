package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiInputException;
import dev.gatehouse.core.api.ApiRequests;
import dev.gatehouse.core.config.HostPort;
import io.netty.handler.codec.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells what a request is for: the {@link Endpoint} its path matches, and the pool and backend
 * address in it, percent-decoded and checked. The query string is ignored (no endpoint takes one).
 */
final class AdminRouter {

    /** Longer paths are refused before they are looked at. */
    static final int MAX_PATH = 1024;

    private AdminRouter() {
    }

    /**
     * A request's target, resolved.
     *
     * @param endpoint what it is for
     * @param pool     the {@code {pool}} segment (or a databases path's {@code {server}} or
     *                 {@code {database}}), checked, or null
     * @param address  the {@code {address}} segment, checked, or null
     */
    record Route(Endpoint endpoint, String pool, HostPort address) {
    }

    /**
     * Resolves a request.
     *
     * @throws AdminProblem      404 for a path that is no endpoint, 405 for a method it does not serve
     * @throws ApiInputException 400 for a bad pool name, address or percent-encoding in the path
     */
    static Route route(HttpMethod method, String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.length() > MAX_PATH || !path.startsWith("/")) {
            throw AdminProblem.notFound("no such path (expected: /api/v1/...)", null);
        }
        List<String> raw = List.of(path.substring(1).split("/", -1));
        for (Endpoint e : Endpoint.values()) {
            if (matches(e.segments(), raw)) {
                if (!e.methods().contains(method)) {
                    throw AdminProblem.methodNotAllowed(method.name(), e.template(), e.allow());
                }
                return resolve(e, raw);
            }
        }
        throw AdminProblem.notFound(quote(path) + " is no admin API path (expected: see docs/admin-api.md)", null);
    }

    private static boolean matches(List<String> template, List<String> raw) {
        if (template.size() != raw.size()) {
            return false;
        }
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            boolean placeholder = t.startsWith("{");
            if (placeholder ? raw.get(i).isEmpty() : !t.equals(raw.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static Route resolve(Endpoint e, List<String> raw) {
        String pool = null;
        HostPort address = null;
        for (int i = 0; i < e.segments().size(); i++) {
            switch (e.segments().get(i)) {
                case "{pool}" -> pool = ApiRequests.poolName(decode(raw.get(i), "pool"));
                case "{server}", "{database}" -> pool = databaseName(decode(raw.get(i), e.segments().get(i)));
                case "{address}" -> address = ApiRequests.backendAddress(decode(raw.get(i), "address"), "address");
                default -> {
                    // a literal segment, already matched
                }
            }
        }
        return new Route(e, pool, address);
    }

    /** A databases section's server or pool name: 1-63 letters, digits, {@code _}, {@code -} or {@code .}. */
    static String databaseName(String text) {
        if (!text.matches("[A-Za-z0-9_.-]{1,63}")) {
            throw new ApiInputException("name", quote(text) + " (expected: 1-63 letters, digits, _, - or .)");
        }
        return text;
    }

    /** Percent-decodes one path segment as UTF-8; {@code +} stays a plus. */
    static String decode(String segment, String field) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                out.write(c);
                continue;
            }
            int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(segment.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                throw new ApiInputException(field, quote(segment) + " (expected: %XX escapes with two hex digits)");
            }
            out.write(hi * 16 + lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException ex) {
            throw new ApiInputException(field, quote(segment) + " (expected: percent-encoded UTF-8)");
        }
    }

    private static String quote(String s) {
        String cut = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        StringBuilder b = new StringBuilder("\"");
        for (char c : cut.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f || c == '"' || c == '\\' ? '?' : c);
        }
        return b.append('"').toString();
    }
}
