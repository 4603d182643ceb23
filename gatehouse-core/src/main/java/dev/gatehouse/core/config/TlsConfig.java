package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A listener's TLS: its certificates and how it negotiates. Only what can be checked without
 * reading a file is checked here; the server reads and checks the files themselves (readable, a
 * key that matches, dates) at start and at every reload.
 *
 * @param certificates     one or more; the first is served when the client's SNI name matches no
 *                         other (or it sent none)
 * @param provider         which TLS implementation serves the handshakes
 * @param protocols        the versions offered: {@code TLSv1.2} and/or {@code TLSv1.3}
 * @param ciphers          the cipher suites by their IANA names, or null for {@link #DEFAULT_CIPHERS}
 * @param sessionTickets   resumption by session tickets, and how often their keys change
 * @param clientAuth       client certificates (mTLS); {@link ClientAuthConfig#NONE} by default
 * @param handshakeTimeout a connection that has not finished its handshake by then is closed
 */
public record TlsConfig(List<TlsCertificateConfig> certificates, Provider provider, List<String> protocols,
                        List<String> ciphers, SessionTickets sessionTickets, ClientAuthConfig clientAuth,
                        Duration handshakeTimeout) {

    /** The versions a listener accepts; older ones are never offered. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    /**
     * In the style of Mozilla's "intermediate" profile: TLS 1.3's three suites, then TLS 1.2's
     * ECDHE suites with AEAD ciphers only (forward secrecy, no CBC, no RSA key exchange). Mozilla's
     * DHE suites are left out: BoringSSL has none and they cost a slow handshake.
     */
    public static final List<String> DEFAULT_CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Ten seconds for a handshake, the same as Netty's default. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern CIPHER = Pattern.compile("TLS_[A-Z0-9_]+");

    /** Which TLS implementation serves a listener's handshakes. */
    public enum Provider {
        /** OpenSSL (BoringSSL through netty-tcnative) when its native library loads here, else the JDK's. */
        AUTO,
        /** BoringSSL through netty-tcnative; a node where it does not load refuses to start. */
        OPENSSL,
        /** The JDK's own TLS: always there, slower, and it cannot staple OCSP responses. */
        JDK;

        /** The name used in the configuration. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The value named {@code name} in the configuration. */
        public static Optional<Provider> byConfigName(String name) {
            for (Provider p : values()) {
                if (p.configName().equals(name)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Session resumption by tickets (RFC 5077, and TLS 1.3's PSK tickets).
     *
     * @param enabled whether tickets are issued and accepted
     * @param rotate  how often a new ticket key starts to encrypt; the previous key still decrypts
     *                for one more period, so a ticket stays usable for one to two periods
     */
    public record SessionTickets(boolean enabled, Duration rotate) {

        /** On, a new key every hour. */
        public static final SessionTickets DEFAULTS = new SessionTickets(true, Duration.ofHours(1));

        /** Validates the bounds. */
        public SessionTickets {
            Objects.requireNonNull(rotate, "rotate");
            if (rotate.compareTo(Duration.ofSeconds(1)) < 0 || rotate.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("rotate: " + rotate.toMillis() + "ms (expected: 1s to 24h)");
            }
        }
    }

    /** Validates what can be checked without the files. */
    public TlsConfig {
        certificates = List.copyOf(certificates);
        Objects.requireNonNull(provider, "provider");
        protocols = List.copyOf(protocols);
        ciphers = ciphers == null ? null : List.copyOf(ciphers);
        Objects.requireNonNull(sessionTickets, "session_tickets");
        Objects.requireNonNull(clientAuth, "client_auth");
        Objects.requireNonNull(handshakeTimeout, "handshake_timeout");
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("certificates: [] (expected: at least one certificate)");
        }
        if (protocols.isEmpty() || !PROTOCOLS.containsAll(protocols) || new HashSet<>(protocols).size() != protocols.size()) {
            throw new IllegalArgumentException("protocols: " + protocols + " (expected: TLSv1.2 and/or TLSv1.3, each once)");
        }
        if (ciphers != null) {
            checkCiphers(ciphers, protocols);
        }
        if (provider == Provider.JDK && certificates.stream().anyMatch(c -> c.ocsp() != null)) {
            throw new IllegalArgumentException("provider: \"jdk\" with an ocsp file (expected: provider openssl or auto;"
                    + " the JDK's TLS cannot staple OCSP responses)");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || handshakeTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("handshake_timeout: " + handshakeTimeout.toMillis() + "ms (expected: > 0 and <= 60s)");
        }
    }

    private static void checkCiphers(List<String> ciphers, List<String> protocols) {
        if (ciphers.isEmpty()) {
            throw new IllegalArgumentException("ciphers: [] (expected: at least one cipher suite, or leave it out for the defaults)");
        }
        Set<String> seen = new HashSet<>();
        for (String c : ciphers) {
            if (!CIPHER.matcher(c).matches()) {
                throw new IllegalArgumentException("ciphers: \"" + c + "\" (expected: an IANA cipher suite name"
                        + " such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            }
            if (!seen.add(c)) {
                throw new IllegalArgumentException("ciphers: \"" + c + "\" twice (expected: each suite once)");
            }
        }
        if (protocols.contains("TLSv1.2") && ciphers.stream().noneMatch(TlsConfig::isTls12Suite)) {
            throw new IllegalArgumentException("ciphers: no TLS 1.2 suite (expected: at least one *_WITH_* suite while"
                    + " protocols has TLSv1.2)");
        }
        if (protocols.contains("TLSv1.3") && ciphers.stream().allMatch(TlsConfig::isTls12Suite)) {
            throw new IllegalArgumentException("ciphers: no TLS 1.3 suite (expected: at least one of TLS_AES_128_GCM_SHA256,"
                    + " TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256 while protocols has TLSv1.3)");
        }
    }

    /** Whether an IANA suite name is one of TLS 1.2 and older (they name a key exchange: {@code _WITH_}). */
    public static boolean isTls12Suite(String name) {
        return name.contains("_WITH_");
    }

    /** The suites to offer: the configured ones, or the defaults. */
    public List<String> effectiveCiphers() {
        return ciphers == null ? DEFAULT_CIPHERS : ciphers;
    }
}
