package dev.gatehouse.core.config;

import java.util.Objects;

/**
 * One certificate of a TLS listener, as files; names come from the certificate itself (its DNS
 * subject alternative names, else its common name). Relative paths are relative to the node's
 * working directory.
 *
 * @param cert the certificate chain, PEM: the leaf first, then its intermediates
 * @param key  the leaf's private key, PEM (PKCS#8 {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY}), unencrypted
 * @param ocsp a DER OCSP response to staple, or null; read again with the certificate at every reload
 */
public record TlsCertificateConfig(String cert, String key, String ocsp) {

    /** Validates. */
    public TlsCertificateConfig {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
        if (cert.isBlank()) {
            throw new IllegalArgumentException("cert: \"\" (expected: the path of a PEM certificate chain)");
        }
        if (key.isBlank()) {
            throw new IllegalArgumentException("key: \"\" (expected: the path of a PEM private key)");
        }
        if (ocsp != null && ocsp.isBlank()) {
            throw new IllegalArgumentException("ocsp: \"\" (expected: the path of a DER OCSP response)");
        }
    }
}
