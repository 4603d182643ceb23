package dev.gatehouse.server.tls;

import dev.gatehouse.core.config.ClientAuthConfig;
import dev.gatehouse.core.config.TlsConfig;
import io.netty.handler.ssl.SslProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One generation of a listener's TLS: its certificates with their contexts, and the SNI choice
 * among them. Immutable: a reload builds a new one and swaps it in; handshakes already started
 * keep the context they picked.
 *
 * <p>Choice: an exact name wins, then a wildcard {@code *.example.com} matching one label
 * ({@code a.example.com}, not {@code example.com} nor {@code a.b.example.com}), then the first
 * certificate. Between certificates claiming the same name, the earlier one in the config wins.
 */
public final class CertificateSet {

    private final TlsConfig config;
    private final SslProvider provider;
    private final List<ServedCertificate> certificates;
    private final Map<String, ServedCertificate> exact = new HashMap<>();
    /** By the part after "*.": "example.com" for "*.example.com". */
    private final Map<String, ServedCertificate> wildcard = new HashMap<>();

    CertificateSet(TlsConfig config, SslProvider provider, List<ServedCertificate> certificates) {
        this.config = config;
        this.provider = provider;
        this.certificates = List.copyOf(certificates);
        for (ServedCertificate c : this.certificates) {
            for (String name : c.names()) {
                if (name.startsWith("*.")) {
                    wildcard.putIfAbsent(name.substring(2), c);
                } else {
                    exact.putIfAbsent(name, c);
                }
            }
        }
    }

    /**
     * The certificate for a handshake.
     *
     * @param sniName the name the client asked for, or null when it sent none
     */
    public ServedCertificate select(String sniName) {
        if (sniName != null) {
            String name = sniName.toLowerCase(Locale.ROOT);
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            ServedCertificate c = exact.get(name);
            if (c != null) {
                return c;
            }
            int dot = name.indexOf('.');
            if (dot > 0) {
                c = wildcard.get(name.substring(dot + 1));
                if (c != null) {
                    return c;
                }
            }
        }
        return certificates.get(0);
    }

    /** The certificates in config order; the first is the default. */
    public List<ServedCertificate> certificates() {
        return certificates;
    }

    /** The configuration this generation was built from. */
    public TlsConfig config() {
        return config;
    }

    /** The provider in use: {@code OPENSSL} or {@code JDK}. */
    public SslProvider provider() {
        return provider;
    }

    /** The request header that carries a verified client certificate's subject (always removed from clients' requests). */
    public String subjectHeader() {
        return config.clientAuth().subjectHeader();
    }

    /** Whether client certificates are asked for. */
    public boolean clientAuth() {
        return config.clientAuth().mode() != ClientAuthConfig.Mode.NONE;
    }
}
