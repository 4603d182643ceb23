package dev.gatehouse.server.tls;

import dev.gatehouse.core.config.TlsCertificateConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Reads one configured certificate and checks it before anything uses it: the chain parses, the
 * key parses and belongs to the leaf, the leaf is valid now, the OCSP response (if any) is a
 * successful one for the leaf's serial number, says "good" and is not past its {@code nextUpdate}.
 */
final class CertificateFiles {

    /** Bigger OCSP responses are refused: a real one is a few KiB. */
    private static final int MAX_OCSP = 64 * 1024;

    private CertificateFiles() {
    }

    /**
     * A certificate read and checked.
     *
     * @param chain    the leaf first
     * @param key      the leaf's private key
     * @param ocsp     the DER OCSP response to staple, or null
     * @param ocspNextUpdate when that response goes stale, or null (none, or it does not say)
     * @param names    the names it serves (lower case): DNS subject alternative names, else the common name
     * @param notAfter when the leaf expires
     */
    record Loaded(List<X509Certificate> chain, PrivateKey key, byte[] ocsp, Instant ocspNextUpdate, List<String> names,
                  Instant notAfter) {
    }

    /**
     * Reads and checks a certificate's files.
     *
     * @param now the time the leaf must be valid at
     * @throws TlsFileException naming the file at fault and why
     */
    static Loaded load(TlsCertificateConfig c, Instant now) throws TlsFileException {
        List<X509Certificate> chain = Pem.certificates(c.cert(), "a PEM certificate chain, the leaf first");
        X509Certificate leaf = chain.get(0);
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            throw new TlsFileException(c.cert(), "expired on " + notAfter + " (expected: a certificate valid now)");
        }
        if (now.isBefore(notBefore)) {
            throw new TlsFileException(c.cert(), "is not valid before " + notBefore + " (expected: a certificate valid now)");
        }
        PrivateKey key = Pem.privateKey(c.key());
        if (!matches(key, leaf.getPublicKey())) {
            throw new TlsFileException(c.key(), "does not match the certificate in \"" + c.cert()
                    + "\" (expected: the private key of that certificate)");
        }
        byte[] ocsp = null;
        Instant ocspNextUpdate = null;
        if (c.ocsp() != null) {
            ocsp = Pem.read(c.ocsp(), "a DER OCSP response");
            if (ocsp.length == 0 || ocsp.length > MAX_OCSP || ocsp[0] != 0x30) {
                throw new TlsFileException(c.ocsp(), ocsp.length + " bytes that are no DER OCSP response"
                        + " (expected: a DER OCSP response of at most 64 KiB, e.g. from openssl ocsp -respout)");
            }
            ocspNextUpdate = checkOcsp(c, leaf, ocsp, now);
        }
        List<String> names = names(leaf);
        if (names.isEmpty()) {
            throw new TlsFileException(c.cert(), "names no host (expected: DNS subject alternative names or a common name)");
        }
        return new Loaded(chain, key, ocsp, ocspNextUpdate, names, notAfter);
    }

    /**
     * The OCSP response must be a successful one about this leaf, saying "good", and not stale.
     *
     * @return its {@code nextUpdate}, or null when it has none
     */
    private static Instant checkOcsp(TlsCertificateConfig c, X509Certificate leaf, byte[] ocsp, Instant now)
            throws TlsFileException {
        List<OcspStaple.Single> singles;
        try {
            singles = OcspStaple.parse(ocsp);
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(c.ocsp(), "is no usable OCSP response: " + e.getMessage()
                    + " (expected: a DER OCSP response, e.g. from openssl ocsp -respout)");
        }
        OcspStaple.Single mine = singles.stream().filter(s -> s.serial().equals(leaf.getSerialNumber())).findFirst()
                .orElseThrow(() -> new TlsFileException(c.ocsp(), "is about the serial numbers "
                        + singles.stream().map(s -> s.serial().toString(16)).toList() + ", not "
                        + leaf.getSerialNumber().toString(16) + " of \"" + c.cert()
                        + "\" (expected: the OCSP response for that certificate)"));
        if (mine.status() != OcspStaple.Status.GOOD) {
            throw new TlsFileException(c.ocsp(), "says the certificate \"" + c.cert() + "\" is "
                    + mine.status().name().toLowerCase(Locale.ROOT) + " (expected: a response saying good)");
        }
        if (mine.nextUpdate() != null && now.isAfter(mine.nextUpdate())) {
            throw new TlsFileException(c.ocsp(), "is stale: its nextUpdate was " + mine.nextUpdate()
                    + " (expected: a fresh response; fetch a new one and reload)");
        }
        return mine.nextUpdate();
    }

    /** Whether the key signs what the public key verifies: the one check that works for every key type. */
    static boolean matches(PrivateKey key, PublicKey publicKey) throws TlsFileException {
        String algorithm = switch (publicKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        byte[] probe = "gatehouse key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The DNS subject alternative names; the common name when there are none (old certificates). */
    static List<String> names(X509Certificate leaf) {
        Set<String> names = new LinkedHashSet<>();
        try {
            var sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
                        names.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Unreadable extension: fall back to the common name.
        }
        if (names.isEmpty()) {
            String cn = commonName(leaf.getSubjectX500Principal());
            if (cn != null) {
                names.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return new ArrayList<>(names);
    }

    private static String commonName(X500Principal subject) {
        try {
            for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN") && rdn.getValue() instanceof String cn) {
                    return cn;
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    /** The subject of a client certificate as a header value: RFC 2253, non-ASCII bytes as {@code \XX}. */
    static String subject(X509Certificate cert) {
        byte[] utf8 = cert.getSubjectX500Principal().getName(X500Principal.RFC2253).getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(utf8.length);
        for (byte x : utf8) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append('\\').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }
}
