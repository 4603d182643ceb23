package dev.gatehouse.server.tls;

import io.netty.handler.ssl.OpenSslServerContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SslContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener's session ticket keys for the OpenSSL provider: the newest encrypts new tickets, the
 * one before it still decrypts, so a ticket lives one to two rotation periods. Kept across reloads,
 * so a reload that changes nothing a session depends on does not cost clients their resumption.
 * Keys live only in memory: a restart starts with a fresh one.
 *
 * <p>Each certificate gets keys of its own, derived from the listener's by HMAC-SHA256 of its
 * {@link ServedCertificate#scope}: its place in the list, the leaf itself, the client certificate
 * policy and CAs, the protocols and ciphers. So a ticket issued with one certificate never resumes
 * a session on another (two certificates with the same names included), and once a reload changes
 * any of those (a client CA removed, {@code client_auth} changed, the certificate renewed) no
 * ticket issued before it decrypts: the client gets a full handshake and its certificate is
 * verified under the new policy, rather than resuming with a peer certificate the new policy
 * would refuse.
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
        for (ServedCertificate c : set.certificates()) {
            SslContext context = c.context();
            if (context instanceof OpenSslServerContext openssl) {
                OpenSslSessionTicketKey[] derived = new OpenSslSessionTicketKey[keys.size()];
                for (int i = 0; i < derived.length; i++) {
                    derived[i] = derive(keys.get(i), c.scope());
                }
                openssl.sessionContext().setTicketKeys(derived);
            }
        }
    }

    /** How many keys decrypt now (1 before the first rotation, then 2). */
    synchronized int size() {
        return keys.size();
    }

    static OpenSslSessionTicketKey derive(OpenSslSessionTicketKey master, byte[] scope) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(master.aesKey(), "HmacSHA256"));
            mac.update(master.hmacKey());
            mac.update("ticket-keys-1 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] a = mac.doFinal(scope);
            mac.update(master.hmacKey());
            mac.update("ticket-keys-2 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] b = mac.doFinal(scope);
            byte[] name = java.util.Arrays.copyOfRange(a, 0, 16);
            byte[] hmac = java.util.Arrays.copyOfRange(a, 16, 32);
            byte[] aes = java.util.Arrays.copyOfRange(b, 0, 16);
            return new OpenSslSessionTicketKey(name, hmac, aes);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
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
