package dev.gatehouse.core.content;

import java.util.List;
import java.util.Locale;

/**
 * Whether a response is compressed on its way to the client, and with which coding: the response
 * must be a whole one (200, not a range, not HEAD's), of a compressible type, not coded already,
 * not marked {@code no-transform}, at least the minimum size when its length is known; the coding
 * is the client's choice among those offered ({@link AcceptEncoding}). Pure: the data plane asks,
 * then recodes.
 */
public final class CompressionChoice {

    private CompressionChoice() {
    }

    /**
     * The coding to compress with, or null to send the response as it is.
     *
     * @param method   the request method
     * @param request  the request's fields (Accept-Encoding, Range)
     * @param status   the response status
     * @param response the response's fields as the backend sent them
     * @param offered  the codings the route offers and this node can make, in preference order
     * @param minSize  the smallest body compressed, when its Content-Length says
     * @param types    the media types compressed ({@code text/*} wildcards); empty for
     *                 {@link MediaTypes#compressible}
     */
    public static String choose(String method, HeaderView request, int status, HeaderView response, List<String> offered,
                                long minSize, List<String> types) {
        if (status != 200 || method.equals("HEAD") || request.has("Range") || offered.isEmpty()) {
            return null;
        }
        if (response.has("Content-Encoding") || response.has("Content-Range")) {
            return null;
        }
        for (String cc : response.all("Cache-Control")) {
            if (cc.toLowerCase(Locale.ROOT).contains("no-transform")) {
                return null;
            }
        }
        String type = response.first("Content-Type");
        if (type == null || !typeMatches(bare(type), types)) {
            return null;
        }
        String length = response.first("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) < minSize) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        String choice = AcceptEncoding.parse(request.all("Accept-Encoding")).choose(offered);
        return choice == null || choice.equals(AcceptEncoding.IDENTITY) ? null : choice;
    }

    /**
     * The coding this request would get from a route offering {@code offered} ({@code identity}
     * when none): what a cache keys a compressed variant by, so that every client that gets br
     * shares one stored copy whatever its exact Accept-Encoding.
     */
    public static String negotiated(HeaderView request, List<String> offered) {
        String choice = AcceptEncoding.parse(request.all("Accept-Encoding")).choose(offered);
        return choice == null ? AcceptEncoding.IDENTITY : choice;
    }

    private static String bare(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean typeMatches(String type, List<String> types) {
        if (types.isEmpty()) {
            return MediaTypes.compressible(type);
        }
        for (String t : types) {
            if (t.equals(type) || (t.endsWith("/*") && type.startsWith(t.substring(0, t.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
