package dev.gatehouse.server.upstream;

import dev.gatehouse.core.config.BackendTlsConfig;
import dev.gatehouse.core.config.HostPort;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import java.io.File;
import java.io.IOException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The TLS client side of one pool's backend connections, built from its {@link BackendTlsConfig}:
 * the {@link SslContext} (its CA file read once, when built), and for each connection an
 * {@link SslHandler} that sends SNI and verifies the backend's certificate and name.
 *
 * <p>The peer name of a connection is {@code server_name} when configured, else the backend's own
 * host. It is sent as SNI unless it is an IP address (SNI carries names only), and the
 * certificate must hold it (as a DNS name, or as an IP address for an IP). Contexts are built off
 * the event loops ({@link UpstreamPools#prepare}); a context that cannot be built is kept as a
 * failure, so that connects to the pool fail with its reason instead of going out in plain text.
 * Immutable and thread-safe.
 */
public final class BackendTls {

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final BackendTlsConfig config;
    private final SslContext context;
    private final String failure;
    private final String providerName;

    private BackendTls(BackendTlsConfig config, SslContext context, String failure, String providerName) {
        this.config = config;
        this.context = context;
        this.failure = failure;
        this.providerName = providerName;
    }

    /**
     * Builds the context of {@code config}; reads its CA file, so never on an event loop. Never
     * throws: a failure is kept and reported by every connect ({@link #failure()}).
     */
    public static BackendTls build(BackendTlsConfig config) {
        SslProvider provider = switch (config.provider()) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> SslProvider.OPENSSL;
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
        String name = provider == SslProvider.OPENSSL ? "openssl" : "jdk";
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            return new BackendTls(config, null, "provider openssl is not available: " + OpenSsl.unavailabilityCause(), name);
        }
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider).protocols(PROTOCOLS);
            if (!config.verify()) {
                b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
            } else {
                if (config.ca() != null) {
                    b.trustManager(new File(config.ca()));
                }
                // RFC 2818 name checks: the certificate must name the host we meant to reach.
                b.endpointIdentificationAlgorithm("HTTPS");
            }
            return new BackendTls(config, b.build(), null, name);
        } catch (SSLException | RuntimeException e) {
            String where = config.ca() == null ? "" : " (ca: " + config.ca() + ")";
            return new BackendTls(config, null, "cannot set up TLS" + where + ": " + rootMessage(e), name);
        }
    }

    /** A context that is not there, for {@code why}: every connect fails with it. */
    static BackendTls unavailable(BackendTlsConfig config, String why) {
        return new BackendTls(config, null, why, "none");
    }

    /** The configuration this was built from. */
    public BackendTlsConfig config() {
        return config;
    }

    /** Why no connection can be made, or {@code null} when the context is ready. */
    public String failure() {
        return failure;
    }

    /** {@code openssl} or {@code jdk}: the provider in use. */
    public String providerName() {
        return providerName;
    }

    /** The name the backend at {@code address} must prove: {@code server_name}, else its own host. */
    public String peerName(HostPort address) {
        return config.serverName() != null ? config.serverName() : address.host();
    }

    /**
     * A handler for a new connection to {@code address}: SNI and verification of {@link #peerName}.
     * Only when {@link #failure()} is null.
     *
     * @param handshakeTimeoutMillis how long the handshake may take (the connect timeout)
     */
    public SslHandler newHandler(ByteBufAllocator alloc, HostPort address, long handshakeTimeoutMillis) {
        String peer = peerName(address);
        SslHandler handler = context.newHandler(alloc, peer, address.port());
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        if (!NetUtil.isValidIpV4Address(peer) && !NetUtil.isValidIpV6Address(peer)) {
            // Explicitly: the JDK leaves SNI out for a name without a dot (localhost, a bare service name).
            params.setServerNames(List.of(new SNIHostName(peer)));
        }
        engine.setSSLParameters(params);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /**
     * The exception a failed handshake becomes: a {@link ConnectTimeoutException} for a timeout
     * (504, like a connect that took too long), else an {@link IOException} whose message says why
     * in an operator's words, for the 502's log line and the backend's health.
     */
    public Throwable handshakeFailure(HostPort address, Throwable cause) {
        String peer = peerName(address);
        if (cause instanceof SslHandshakeTimeoutException) {
            return new ConnectTimeoutException("TLS handshake with " + address + " timed out");
        }
        String why = rootMessage(cause);
        String trust = config.ca() == null ? "the JDK's trust store" : "ca " + config.ca();
        String reason;
        if (has(cause, CertPathBuilderException.class) || has(cause, CertPathValidatorException.class)) {
            reason = "its certificate is not trusted by " + trust + " (" + why + ")";
        } else if (has(cause, CertificateException.class) && why.contains("match")) {
            reason = "its certificate does not name " + peer + " (" + why + ")";
        } else {
            reason = why;
        }
        return new IOException("TLS handshake with " + address + (peer.equals(address.host()) ? "" : " (" + peer + ")")
                + " failed: " + reason, cause);
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }
}
