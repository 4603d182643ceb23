package dev.gatehouse.server.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a request's connection negotiated: its TLS version and, with client certificates, the
 * verified subject. Looked up once per connection, on the channel or its parent (an HTTP/2
 * stream's parent is the connection that carries the TLS).
 *
 * @param protocol the TLS version, e.g. {@code TLSv1.3}; null on plaintext
 * @param subject  the verified client certificate's subject (RFC 2253), or null
 */
public record ConnectionTls(String protocol, String subject) {

    /** A plaintext connection. */
    public static final ConnectionTls NONE = new ConnectionTls(null, null);

    /** Whether the connection is TLS. */
    public boolean secure() {
        return protocol != null;
    }

    /** The scheme the client used: {@code https} or {@code http}. */
    public String scheme() {
        return protocol != null ? "https" : "http";
    }

    /** The TLS of a channel's connection; {@link #NONE} when neither it nor its parent has a TLS handler. */
    public static ConnectionTls of(Channel channel) {
        SSLSession session = session(channel);
        if (session == null) {
            return NONE;
        }
        String subject = null;
        try {
            Certificate[] peer = session.getPeerCertificates();
            if (peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
                subject = CertificateFiles.subject(leaf);
            }
        } catch (SSLPeerUnverifiedException e) {
            // No client certificate: no subject.
        }
        return new ConnectionTls(session.getProtocol(), subject);
    }

    /** The channel's TLS session, or its parent's; null when there is none (yet). */
    public static SSLSession session(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            SslHandler ssl = c.pipeline().get(SslHandler.class);
            if (ssl != null) {
                return ssl.handshakeFuture().isSuccess() ? ssl.engine().getSession() : null;
            }
        }
        return null;
    }
}
