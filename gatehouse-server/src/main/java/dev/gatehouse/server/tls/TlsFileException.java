package dev.gatehouse.server.tls;

/**
 * A TLS file that cannot be used: the message names the file and says why, e.g.
 * {@code "site.crt": expired on 2024-01-31T00:00:00Z (expected: a certificate valid now)}.
 */
final class TlsFileException extends Exception {

    private static final long serialVersionUID = 1L;

    TlsFileException(String file, String why) {
        super("\"" + file + "\": " + why);
    }
}
