package dev.gatehouse.server.tls;

import io.netty.handler.ssl.SslContext;
import java.time.Instant;
import java.util.List;

/**
 * One certificate as a listener serves it: its names, its expiry, the context new handshakes
 * that pick it are made with, and the OCSP response stapled to them.
 *
 * @param index    its place in the listener's {@code certificates} (0 is the default)
 * @param file     the certificate file, for status and logs
 * @param names    the names it serves, lower case ({@code *.example.com} for a wildcard)
 * @param notAfter when it expires
 * @param context  the server context of this certificate
 * @param ocsp     the DER OCSP response stapled to its handshakes, or null
 * @param ocspNextUpdate when that response goes stale, or null
 * @param scope    a digest of everything a resumed session would skip checking again (its index,
 *                 the leaf, the client certificate policy and CAs, the protocols and ciphers): its
 *                 session ticket keys are derived from it ({@link TicketKeys}), so a ticket
 *                 resumes only where that digest did not change
 */
public record ServedCertificate(int index, String file, List<String> names, Instant notAfter, SslContext context,
                                byte[] ocsp, Instant ocspNextUpdate, byte[] scope) {

    /** Copies. */
    public ServedCertificate {
        names = List.copyOf(names);
    }

    /** The name it is shown by: its first name. */
    public String label() {
        return names.get(0);
    }
}
