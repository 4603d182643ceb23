package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.core.config.Cidr;
import dev.gatehouse.core.config.ForwardingConfig;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link HeaderRewriter} with arbitrary header lists, as Netty's validating decoder could
 * hand them over (names that are not tokens and values with control bytes are refused before the
 * rewriter sees them, so they are skipped here too).
 *
 * <p>Input: header lines {@code Name: value} separated by LF, then one byte of flags (trusted peer,
 * {@code forwarded: true}, underscore names kept, HTTP/1.0, IPv6 peer).
 *
 * <p>Invariants of a rewritten request: no hop-by-hop header and nothing Connection names survives
 * (except Content-Length, Transfer-Encoding and Host, which it may not name away); no look-alike of a
 * framing or hop-by-hop name, and no underscore name unless kept; the framing headers and Host are
 * exactly as they came; every other header the client sent is kept as it was, in order; from an
 * untrusted peer no forwarding claim of the client's survives; X-Forwarded-For, X-Request-Id and Via
 * are one header each and end with what the node adds; a Forwarded element parses back (RFC 7239)
 * to the client address and Host; every value is still a valid header value. A rewritten response
 * keeps no hop-by-hop header either, and carries one X-Request-Id and the node's Via.
 */
final class HeaderRewriterFuzzTest {

    private static final String ID = "fuzz-id-1";
    private static final Set<String> CLAIMS = Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
            "forwarded", "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-forwarded-ssl", "x-real-ip",
            "x-request-id", "via");
    private static final Set<String> PROTECTED = Set.of("content-length", "transfer-encoding", "host");
    private static final String[] SENSITIVE = {"content-length", "transfer-encoding", "host", "connection",
        "keep-alive", "te", "trailer", "upgrade", "proxy-connection", "expect"};
    private static final List<Cidr> EVERYONE = List.of(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0"));

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    @DictionaryEntries({"Connection: ", "Content-Length: ", "Transfer-Encoding: ", "Keep-Alive: ", "Proxy-", "TE: ",
        "Trailer: ", "Upgrade: ", "Host: ", "X-Forwarded-For: ", "X-Forwarded-Host: ", "Forwarded: ", "X-Real-IP: ",
        "X-Request-Id: ", "Via: ", "_", "--"})
    void anyHeaders_leaveNoHopByHopLookAlikeOrClientClaim(FuzzedDataProvider data) {
        int flags = data.consumeInt(0, 31);
        boolean trusted = (flags & 1) != 0;
        boolean forwarded = (flags & 2) != 0;
        boolean keepUnderscores = (flags & 4) != 0;
        HttpVersion version = (flags & 8) != 0 ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        InetAddress peer = (flags & 16) != 0 ? address(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7)
                : address(203, 0, 113, 7);
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        List<Map.Entry<String, String>> sent = parse(new String(data.consumeRemainingAsBytes(), StandardCharsets.ISO_8859_1), h);

        HeaderRewriter rewriter = new HeaderRewriter(new ForwardingConfig(trusted ? EVERYONE : List.of(), forwarded,
                "gatehouse", keepUnderscores));
        String host = h.get("host");
        rewriter.rewriteRequest(h, version, peer, "http", ID);

        Set<String> nominated = nominated(sent);
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, String> e : sent) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!CLAIMS.contains(name) && !dropped(name, nominated, keepUnderscores)) {
                kept.add(name + ": " + e.getValue());
            }
        }
        List<String> after = new ArrayList<>();
        for (Map.Entry<String, String> e : h) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            // The forwarding headers are the node's to set after the removal; they are checked below.
            assertThat(!CLAIMS.contains(name) && dropped(name, nominated, keepUnderscores))
                    .as("%s survived the rewrite", e.getKey()).isFalse();
            assertThat(io.netty.handler.codec.http.HttpHeaderValidationUtil.validateValidHeaderValue(e.getValue()))
                    .as("value of %s is still a valid header value", e.getKey()).isEqualTo(-1);
            if (!CLAIMS.contains(name)) {
                after.add(name + ": " + e.getValue());
            }
        }
        assertThat(after).as("the client's other headers, as sent and in order").isEqualTo(kept);

        String peerText = peer.getHostAddress();
        List<String> xff = h.getAll("x-forwarded-for");
        assertThat(xff).hasSize(1);
        // A trusted proxy's chain is extended, unless its Connection header made it hop-by-hop.
        List<String> chain = nominated.contains("x-forwarded-for") ? List.of() : sent(sent, "x-forwarded-for");
        assertThat(xff.get(0)).isEqualTo(trusted && !chain.isEmpty() ? String.join(", ", chain) + ", " + peerText : peerText);
        assertThat(h.getAll("x-request-id")).containsExactly(ID);
        assertThat(h.getAll("via")).hasSize(1);
        assertThat(h.get("via")).endsWith((version == HttpVersion.HTTP_1_0 ? "1.0" : "1.1") + " gatehouse");
        if (!trusted) {
            assertThat(h.getAll("x-forwarded-proto")).containsExactly("http");
            assertThat(h.getAll("x-forwarded-host")).isEqualTo(host == null ? List.of() : List.of(host));
            for (String claim : List.of("x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-forwarded-ssl",
                    "x-real-ip")) {
                assertThat(h.contains(claim)).as("client claim %s from an untrusted peer", claim).isFalse();
            }
        }
        if (forwarded) {
            String ours = HeaderRewriter.forwardedElement(peer, host, "http");
            assertThat(h.getAll("forwarded")).hasSize(1);
            assertThat(h.get("forwarded")).endsWith(ours);
            Map<String, String> pairs = ForwardedElement.parse(ours);
            assertThat(pairs.get("for")).isEqualTo(peer instanceof java.net.Inet6Address ? "[" + peerText + "]" : peerText);
            assertThat(pairs.get("host")).isEqualTo(host);
            assertThat(pairs.get("proto")).isEqualTo("http");
            if (!trusted) {
                assertThat(h.get("forwarded")).isEqualTo(ours);
            }
        } else if (!trusted) {
            assertThat(h.contains("forwarded")).isFalse();
        }

        checkResponse(sent);
    }

    /** The same list as a backend's response headers. */
    private static void checkResponse(List<Map.Entry<String, String>> sent) {
        HttpHeaders h = DefaultHttpHeadersFactory.headersFactory().newHeaders();
        sent.forEach(e -> h.add(e.getKey(), e.getValue()));
        new HeaderRewriter(ForwardingConfig.DEFAULTS).rewriteResponse(h, HttpVersion.HTTP_1_1, ID);
        Set<String> nominated = nominated(sent);
        for (String name : h.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            assertThat(!CLAIMS.contains(lower) && (hopByHop(lower) || nominated.contains(lower)))
                    .as("%s survived the response rewrite", name).isFalse();
        }
        List<String> ids = nominated.contains("x-request-id") ? List.of() : sent(sent, "x-request-id");
        assertThat(h.getAll("x-request-id")).isEqualTo(ids.isEmpty() ? List.of(ID) : ids);
        assertThat(h.getAll("via")).hasSize(1);
        assertThat(h.get("via")).endsWith("1.1 gatehouse");
    }

    /** Header lines as the validating decoder would have taken them; what it refuses is skipped. */
    private static List<Map.Entry<String, String>> parse(String block, HttpHeaders h) {
        List<Map.Entry<String, String>> sent = new ArrayList<>();
        for (String line : block.split("\n", -1)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon);
            String value = trimOws(line.substring(colon + 1));
            try {
                h.add(name, value);
            } catch (IllegalArgumentException refusedByTheDecoder) {
                continue;
            }
            sent.add(Map.entry(name, value));
        }
        return sent;
    }

    private static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
            end--;
        }
        return s.substring(start, end);
    }

    /** The names the client's Connection headers list, lower case; framing and Host never count. */
    private static Set<String> nominated(List<Map.Entry<String, String>> sent) {
        Set<String> names = new HashSet<>();
        for (String value : sent(sent, "connection")) {
            for (String token : value.split(",")) {
                String name = token.strip().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !PROTECTED.contains(name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static boolean dropped(String lower, Set<String> nominated, boolean keepUnderscores) {
        return hopByHop(lower) || nominated.contains(lower) || lookAlike(lower) || (!keepUnderscores && lower.contains("_"));
    }

    private static boolean hopByHop(String lower) {
        return lower.equals("connection") || lower.equals("keep-alive") || lower.equals("te") || lower.equals("trailer")
                || lower.equals("upgrade") || lower.startsWith("proxy-");
    }

    /** A name that reads as a sensitive one once dashes and underscores are gone, but is not spelled as it. */
    private static boolean lookAlike(String lower) {
        String squeezed = lower.replace("-", "").replace("_", "");
        for (String s : SENSITIVE) {
            if (squeezed.equals(s.replace("-", "")) && !lower.equals(s)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> sent(List<Map.Entry<String, String>> sent, String name) {
        return sent.stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }

    private static InetAddress address(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
