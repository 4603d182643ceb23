package dev.gatehouse.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.Cidr;
import dev.gatehouse.core.config.ForwardingConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

final class HeaderRewriterTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void removeHopByHop_removesWhatConnectionNamesAndEveryProxyHeader() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "close, X-A")
                .add("Connection", "X-B")
                .add("X-A", "1").add("X-B", "2").add("X-C", "3")
                .add("Proxy-Authorization", "x").add("proxy-foo", "y").add("Proxyish", "kept");
        HeaderRewriter.removeHopByHop(h);
        assertThat(h.names()).containsExactlyInAnyOrder("X-C", "Proxyish");
    }

    @Test
    void removeHopByHop_removesProxyHeadersOfEveryLength() {
        // "Proxy-" and one letter is seven characters, as long as Trailer and Upgrade (found by
        // HeaderRewriterFuzzTest); a bare "Proxy-" is one too (found by RequestHeadFuzzTest).
        HttpHeaders h = new DefaultHttpHeaders().add("Proxy-A", "1").add("Proxy-AB", "2").add("Proxy-", "3").add("ProxyAB", "4");
        HeaderRewriter.removeHopByHop(h);
        assertThat(h.names()).containsExactly("ProxyAB");
    }

    @Test
    void rewriteRequest_fromIpv6Peer_quotesTheForwardedNode() throws Exception {
        HeaderRewriter rewriter = new HeaderRewriter(new ForwardingConfig(List.of(), true, "edge-1"));
        HttpHeaders h = new DefaultHttpHeaders().add("Host", "example.com:8443");
        rewriter.rewriteRequest(h, HttpVersion.HTTP_1_0, ip("::1"), "http", "id-1");
        assertThat(h.get("Forwarded")).isEqualTo("for=\"[0:0:0:0:0:0:0:1]\";host=\"example.com:8443\";proto=http");
        assertThat(h.get("Via")).isEqualTo("1.0 edge-1");
        assertThat(h.get("X-Forwarded-For")).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void rewriteRequest_joinsRepeatedForwardingHeadersFromATrustedPeer() throws Exception {
        HeaderRewriter rewriter = new HeaderRewriter(new ForwardingConfig(List.of(Cidr.parse("10.0.0.0/8")), false, "gatehouse"));
        HttpHeaders h = new DefaultHttpHeaders().add("X-Forwarded-For", "1.1.1.1").add("X-Forwarded-For", "2.2.2.2")
                .add("Forwarded", "for=1.1.1.1");
        rewriter.rewriteRequest(h, HttpVersion.HTTP_1_1, ip("10.1.2.3"), "http", "id-1");
        assertThat(h.get("X-Forwarded-For")).isEqualTo("1.1.1.1, 2.2.2.2, 10.1.2.3");
        // Forwarded is not generated, but a trusted proxy's is passed on untouched.
        assertThat(h.get("Forwarded")).isEqualTo("for=1.1.1.1");
        assertThat(h.get("X-Forwarded-Host")).isNull();
    }

    @Test
    void rewriteRequest_removesEveryClientCertificateClaim_evenFromATrustedPeer() throws Exception {
        HeaderRewriter rewriter = new HeaderRewriter(new ForwardingConfig(List.of(Cidr.parse("10.0.0.0/8")), false, "gatehouse"),
                List.of("X-Client-Cert-Subject", "X-Ssl-Client-Dn"));
        HttpHeaders h = new DefaultHttpHeaders().add("Host", "x").add("x-client-cert-subject", "CN=admin")
                .add("X-SSL-Client-DN", "CN=root").add("X-Other", "kept");
        rewriter.rewriteRequest(h, HttpVersion.HTTP_1_1, ip("10.1.2.3"), "http", "id-1");
        assertThat(h.contains("X-Client-Cert-Subject")).isFalse();
        assertThat(h.contains("X-Ssl-Client-Dn")).isFalse();
        assertThat(h.get("X-Other")).isEqualTo("kept");
    }

    @Test
    void rewriteResponse_keepsTheBackendsRequestIdAndAppendsVia() {
        HeaderRewriter rewriter = new HeaderRewriter(ForwardingConfig.DEFAULTS);
        HttpHeaders h = new DefaultHttpHeaders().add("X-Request-Id", "backend-id").add("Via", "1.1 app");
        rewriter.rewriteResponse(h, HttpVersion.HTTP_1_1, "ours");
        assertThat(h.get("X-Request-Id")).isEqualTo("backend-id");
        assertThat(h.get("Via")).isEqualTo("1.1 app, 1.1 gatehouse");
    }

    @Test
    void requestIds_acceptOnlySafeIds() {
        assertThat(RequestIds.isAcceptable("abc-123_x.y:z/+=")).isTrue();
        assertThat(RequestIds.isAcceptable("")).isFalse();
        assertThat(RequestIds.isAcceptable("a b")).isFalse();
        assertThat(RequestIds.isAcceptable("x".repeat(129))).isFalse();
        assertThat(RequestIds.generate()).matches("[0-9a-f]{16}").isNotEqualTo(RequestIds.generate());
    }

    @Test
    void lookAlikeNames_areDropped_realOnesKept() {
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.add("Content_Length", "1000").add("Transfer_Encoding", "chunked").add("Transfer---Encoding", "chunked")
                .add("Transfer___Encoding", "chunked").add("ContentLength", "5").add("-Host", "evil")
                .add("X_Custom", "1").add("Content-Length", "5").add("content-length", "5").add("X-Custom-Header", "ok")
                .add("TE-", "x").add("Accept", "*/*");
        HeaderRewriter.removeLookAlikes(h, false);
        assertThat(h.names()).containsExactlyInAnyOrder("Content-Length", "content-length", "X-Custom-Header", "Accept");
    }

    @Test
    void underscoreNames_keptOnRequest_butNeverWhenTheyReadAsFraming() {
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.add("X_Custom", "1").add("Content_Length", "1000").add("keep_alive", "x").add("Accept_Language", "en");
        HeaderRewriter.removeLookAlikes(h, true);
        assertThat(h.names()).containsExactlyInAnyOrder("X_Custom", "Accept_Language");
    }
}
