package dev.gatehouse.server.tls;

import dev.gatehouse.core.config.ClientAuthConfig;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.TlsCertificateConfig;
import dev.gatehouse.core.config.TlsConfig;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a listener's {@link CertificateSet} from its {@code tls} section: reads and checks every
 * file, checks the cipher suites against the provider, and makes one server context per
 * certificate. Nothing is kept when anything fails; every failure comes back with its config path.
 */
public final class TlsContexts {

    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

    private TlsContexts() {
    }

    /** The provider {@code auto} stands for here: OpenSSL (BoringSSL) when its native library loads, else the JDK. */
    public static SslProvider resolve(TlsConfig.Provider provider) {
        return switch (provider) {
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
            case OPENSSL -> SslProvider.OPENSSL;
            case JDK -> SslProvider.JDK;
        };
    }

    /**
     * Reads the files and builds the contexts.
     *
     * @param config  the listener's {@code tls}
     * @param path    its config path, e.g. {@code listeners[0].tls}, for the errors
     * @param offerH2 whether ALPN offers {@code h2} (before {@code http/1.1})
     * @param now     the time certificates must be valid at
     * @throws TlsLoadException with every error; nothing was built
     */
    public static CertificateSet build(TlsConfig config, String path, boolean offerH2, Instant now) throws TlsLoadException {
        List<ConfigError> errors = new ArrayList<>();
        SslProvider provider = resolve(config.provider());
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            errors.add(new ConfigError(path + ".provider", "\"openssl\" is not available here: "
                    + (cause == null ? "unknown cause" : cause.getMessage()) + " (expected: auto or jdk on this platform)"));
            throw new TlsLoadException(errors);
        }
        checkCiphers(config, provider, path, errors);
        if (provider == SslProvider.JDK) {
            warnOcspNotStapled(config, path);
        }
        if (offerH2) {
            checkH2Ciphers(config, path, errors);
        }
        X509Certificate[] trusted = null;
        if (config.clientAuth().mode() != ClientAuthConfig.Mode.NONE) {
            try {
                trusted = Pem.certificates(config.clientAuth().ca(), "a PEM file of CA certificates")
                        .toArray(new X509Certificate[0]);
            } catch (TlsFileException e) {
                errors.add(new ConfigError(path + ".client_auth.ca", e.getMessage()));
            }
        }
        List<CertificateFiles.Loaded> loaded = new ArrayList<>();
        for (int i = 0; i < config.certificates().size(); i++) {
            TlsCertificateConfig c = config.certificates().get(i);
            try {
                loaded.add(CertificateFiles.load(c, now));
            } catch (TlsFileException e) {
                errors.add(new ConfigError(path + ".certificates[" + i + "]", e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new TlsLoadException(errors);
        }
        List<ServedCertificate> served = new ArrayList<>();
        for (int i = 0; i < loaded.size(); i++) {
            CertificateFiles.Loaded l = loaded.get(i);
            try {
                SslContext context = context(config, provider, l, trusted, offerH2);
                served.add(new ServedCertificate(i, config.certificates().get(i).cert(), l.names(), l.notAfter(),
                        context, l.ocsp(), l.ocspNextUpdate(), scope(i, l, config, trusted)));
            } catch (SSLException | RuntimeException e) {
                errors.add(new ConfigError(path + ".certificates[" + i + "]", "\"" + config.certificates().get(i).cert()
                        + "\": the TLS provider refused it: " + e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new TlsLoadException(errors);
        }
        return new CertificateSet(config, provider, served);
    }

    private static SslContext context(TlsConfig config, SslProvider provider, CertificateFiles.Loaded l,
                                      X509Certificate[] trusted, boolean offerH2) throws SSLException {
        List<String> alpn = offerH2 ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
        SslContextBuilder b = SslContextBuilder.forServer(l.key(), l.chain().toArray(new X509Certificate[0]))
                .sslProvider(provider)
                .protocols(config.protocols())
                // Configured suites were checked against the provider; the defaults drop what it lacks.
                .ciphers(config.effectiveCiphers(), config.ciphers() == null
                        ? SupportedCipherSuiteFilter.INSTANCE : IdentityCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        // The only behaviours OpenSSL supports: no common protocol means no ALPN answer, and HTTP/1.1.
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        if (provider == SslProvider.OPENSSL && l.ocsp() != null) {
            b.enableOcsp(true);
        }
        if (trusted != null) {
            b.trustManager(trusted).clientAuth(config.clientAuth().mode() == ClientAuthConfig.Mode.REQUIRE
                    ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
        }
        return b.build();
    }

    /**
     * What a resumed session skips: the certificate it was made with (and its place), the client
     * certificate policy and the CAs that verified the peer, the protocols and ciphers. Hashed
     * together so that ticket keys derived from it change whenever any of them does.
     */
    static byte[] scope(int index, CertificateFiles.Loaded l, TlsConfig config, X509Certificate[] trusted) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            field(d, ("gatehouse-ticket-scope-1 certificate " + index).getBytes(StandardCharsets.US_ASCII));
            field(d, l.chain().get(0).getEncoded());
            field(d, ("client_auth " + config.clientAuth().mode().configName()).getBytes(StandardCharsets.US_ASCII));
            if (trusted != null) {
                for (X509Certificate ca : trusted) {
                    field(d, ca.getEncoded());
                }
            }
            field(d, String.join(":", config.protocols()).getBytes(StandardCharsets.US_ASCII));
            field(d, String.join(":", config.effectiveCiphers()).getBytes(StandardCharsets.US_ASCII));
            return d.digest();
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot digest a certificate just read", e);
        }
    }

    /** A length before each field: no two different field lists digest the same bytes. */
    private static void field(MessageDigest d, byte[] bytes) {
        d.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        d.update(bytes);
    }

    /** {@code ocsp} with {@code auto} that fell back to the JDK (with {@code jdk} the config refuses it): said, not silent. */
    private static void warnOcspNotStapled(TlsConfig config, String path) {
        for (int i = 0; i < config.certificates().size(); i++) {
            if (config.certificates().get(i).ocsp() != null) {
                Throwable cause = OpenSsl.unavailabilityCause();
                LOG.warn("{}.certificates[{}].ocsp: the jdk provider is in use (auto: OpenSSL did not load{}), and it cannot"
                        + " staple OCSP responses: \"{}\" is read and checked but not sent to clients", path, i,
                        cause == null ? "" : ": " + cause.getMessage(), config.certificates().get(i).ocsp());
            }
        }
    }

    /** Configured suites must all be known to the provider: a typo would silently weaken the list otherwise. */
    private static void checkCiphers(TlsConfig config, SslProvider provider, String path, List<ConfigError> errors) {
        if (config.ciphers() == null) {
            return;
        }
        Set<String> jdk = provider == SslProvider.JDK ? jdkSuites() : Set.of();
        for (int i = 0; i < config.ciphers().size(); i++) {
            String c = config.ciphers().get(i);
            boolean known = provider == SslProvider.OPENSSL ? OpenSsl.isCipherSuiteAvailable(c) : jdk.contains(c);
            if (!known) {
                errors.add(new ConfigError(path + ".ciphers[" + i + "]", "\"" + c + "\" (expected: a cipher suite the "
                        + (provider == SslProvider.OPENSSL ? "openssl" : "jdk") + " provider supports)"));
            }
        }
    }

    /**
     * With {@code h2} offered and TLS 1.2 on, configured TLS 1.2 suites must be ones RFC 9113
     * §9.2.2 allows (ephemeral key exchange, AEAD): a browser that negotiates h2 over a CBC or
     * static-RSA suite ends the connection with INADEQUATE_SECURITY. Netty's allow-list
     * ({@link Http2SecurityUtil#CIPHERS}) is the reference; TLS 1.3 suites all qualify.
     */
    private static void checkH2Ciphers(TlsConfig config, String path, List<ConfigError> errors) {
        if (config.ciphers() == null || !config.protocols().contains("TLSv1.2")) {
            return;
        }
        for (int i = 0; i < config.ciphers().size(); i++) {
            String c = config.ciphers().get(i);
            boolean tls13 = !c.contains("_WITH_");
            if (!tls13 && !Http2SecurityUtil.CIPHERS.contains(c)) {
                errors.add(new ConfigError(path + ".ciphers[" + i + "]", "\"" + c + "\" is not fit for HTTP/2, which this"
                        + " listener offers (RFC 9113 9.2.2: TLS 1.2 needs an ephemeral key exchange and an AEAD cipher;"
                        + " expected one of " + Http2SecurityUtil.CIPHERS.stream().filter(x -> x.contains("_WITH_")).toList()
                        + ", or http2: false on this listener)"));
            }
        }
    }

    private static Set<String> jdkSuites() {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
    }
}
