package dev.gatehouse.server.tls;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;

/**
 * Certificates made at test time (never committed): a CA, leaves issued by it, and their PEM files
 * in a temporary directory.
 */
final class TestPki {

    final X509Bundle ca;
    final Path dir;

    TestPki(Path dir) throws Exception {
        this(dir, "CN=Gatehouse Test CA");
    }

    /** A PKI whose CA has this subject: another name than the default one's, for a second CA clients can tell apart. */
    TestPki(Path dir, String caSubject) throws Exception {
        this.dir = dir;
        Instant now = Instant.now();
        this.ca = new CertificateBuilder().subject(caSubject).setIsCertificateAuthority(true).ecp256()
                .notBefore(now.minus(Duration.ofDays(1))).notAfter(now.plus(Duration.ofDays(365))).buildSelfSigned();
    }

    /** A leaf valid from yesterday for {@code days} days, for these DNS names. */
    X509Bundle leaf(int days, String... names) throws Exception {
        Instant now = Instant.now();
        return leaf(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(days)), names);
    }

    X509Bundle leaf(Instant notBefore, Instant notAfter, String... names) throws Exception {
        CertificateBuilder b = new CertificateBuilder().subject("CN=" + names[0]).ecp256()
                .notBefore(notBefore).notAfter(notAfter);
        for (String n : names) {
            // CertificateBuilder cannot write a wildcard SAN: such a certificate names itself by its
            // CN alone, which is also how the CN fallback gets tested.
            if (!n.startsWith("*.")) {
                b.addSanDnsName(n);
            }
        }
        return b.buildIssuedBy(ca);
    }

    /** A leaf for {@code name} that also names 127.0.0.1 (an IP SAN), for clients that verify the address they dial. */
    X509Bundle loopbackLeaf(int days, String name) throws Exception {
        Instant now = Instant.now();
        return new CertificateBuilder().subject("CN=" + name).ecp256().notBefore(now.minus(Duration.ofDays(1)))
                .notAfter(now.plus(Duration.ofDays(days))).addSanDnsName(name).addSanIpAddress("127.0.0.1")
                .buildIssuedBy(ca);
    }

    /** A client certificate with this subject. */
    X509Bundle client(String subject) throws Exception {
        Instant now = Instant.now();
        return new CertificateBuilder().subject(subject).ecp256().notBefore(now.minus(Duration.ofDays(1)))
                .notAfter(now.plus(Duration.ofDays(30))).buildIssuedBy(ca);
    }

    /** Writes {@code name}.crt (the chain) and {@code name}.key, replacing them atomically. */
    Path[] write(X509Bundle b, String name) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        replace(key, keyPem(b));
        replace(cert, pem("CERTIFICATE", b.getCertificate().getEncoded()));
        return new Path[] {cert, key};
    }

    /** Writes the CA certificate as {@code name}.pem. */
    Path writeCa(String name) throws Exception {
        Path p = dir.resolve(name + ".pem");
        replace(p, pem("CERTIFICATE", ca.getCertificate().getEncoded()));
        return p;
    }

    static String keyPem(X509Bundle b) {
        return pem("PRIVATE KEY", b.getKeyPair().getPrivate().getEncoded());
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A client TLS context trusting the CA, optionally with a client certificate. */
    SSLContext clientContext(X509Bundle clientCert) throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(clientCert == null ? null : clientCert.toKeyManagerFactory().getKeyManagers(),
                ca.toTrustManagerFactory().getTrustManagers(), null);
        return c;
    }
}
