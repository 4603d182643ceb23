package dev.gatehouse.server.tls;

import io.netty.handler.ssl.OpenSslServerContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener's session ticket keys for the OpenSSL provider: the newest encrypts new tickets, the
 * one before it still decrypts, so a ticket lives one to two rotation periods. Shared by every
 * certificate of the listener and kept across reloads, so a certificate reload does not cost
 * clients their resumption. Keys live only in memory: a restart starts with a fresh one.
 *
 * <p>The JDK provider manages its own ticket keys (it issues stateless tickets by default and
 * renews their keys itself); these are not used for it. Thread-safe.
 */
final class TicketKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Newest first; at most two. */
    private List<OpenSslSessionTicketKey> keys = List.of(newKey());

    /** Starts encrypting with a new key; the previous one still decrypts until the next rotation. */
    synchronized void rotate() {
        List<OpenSslSessionTicketKey> next = new ArrayList<>(2);
        next.add(newKey());
        next.add(keys.get(0));
        keys = List.copyOf(next);
    }

    /** Gives the keys to every OpenSSL context of a certificate set; JDK contexts are left alone. */
    synchronized void applyTo(CertificateSet set) {
        OpenSslSessionTicketKey[] array = keys.toArray(new OpenSslSessionTicketKey[0]);
        for (ServedCertificate c : set.certificates()) {
            SslContext context = c.context();
            if (context instanceof OpenSslServerContext openssl) {
                openssl.sessionContext().setTicketKeys(array);
            }
        }
    }

    /** How many keys decrypt now (1 before the first rotation, then 2). */
    synchronized int size() {
        return keys.size();
    }

    private static OpenSslSessionTicketKey newKey() {
        byte[] name = new byte[OpenSslSessionTicketKey.NAME_SIZE];
        byte[] hmac = new byte[OpenSslSessionTicketKey.HMAC_KEY_SIZE];
        byte[] aes = new byte[OpenSslSessionTicketKey.AES_KEY_SIZE];
        RANDOM.nextBytes(name);
        RANDOM.nextBytes(hmac);
        RANDOM.nextBytes(aes);
        return new OpenSslSessionTicketKey(name, hmac, aes);
    }
}
