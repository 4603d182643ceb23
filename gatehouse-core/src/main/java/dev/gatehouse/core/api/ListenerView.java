package dev.gatehouse.core.api;

import java.util.List;

/**
 * A listener in {@code GET /api/v1/node}: its address and, for a TLS listener, what it serves.
 *
 * @param bind         the configured address
 * @param tls          whether clients speak TLS to it
 * @param provider     {@code openssl} or {@code jdk}; null on plaintext
 * @param protocols    the TLS versions offered; empty on plaintext
 * @param clientAuth   {@code none}, {@code optional} or {@code require}; null on plaintext
 * @param certificates the certificates in SNI order (the first is the default); empty on plaintext
 */
public record ListenerView(String bind, boolean tls, String provider, List<String> protocols, String clientAuth,
                           List<Certificate> certificates) {

    /** Copies. */
    public ListenerView {
        protocols = List.copyOf(protocols);
        certificates = List.copyOf(certificates);
    }

    /**
     * One certificate.
     *
     * @param file             the certificate file
     * @param names            the names it serves
     * @param notAfter         when it expires, ISO-8601 UTC
     * @param expiresInSeconds seconds until then (negative once expired)
     * @param warning          set when it expires within 14 days: what to do
     */
    public record Certificate(String file, List<String> names, String notAfter, long expiresInSeconds, String warning) {

        /** Copies. */
        public Certificate {
            names = List.copyOf(names);
        }
    }
}
