package dev.gatehouse.server.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM files: certificates, and unencrypted private keys in PKCS#8 ({@code PRIVATE KEY}) or
 * PKCS#1 ({@code RSA PRIVATE KEY}). Every failure is a {@link TlsFileException} naming the file.
 */
final class Pem {

    /** Larger files are refused: a certificate chain or key is a few KiB. */
    static final int MAX_FILE = 1024 * 1024;

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** The AlgorithmIdentifier of rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters, DER. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {
    }

    /** One PEM block: its label and its DER bytes. */
    record Block(String label, byte[] der) {
    }

    /** The bytes of a file, refusing a missing, unreadable or oversized one. */
    static byte[] read(String file, String what) throws TlsFileException {
        Path path = Path.of(file);
        try {
            if (Files.isDirectory(path)) {
                throw new TlsFileException(file, "is a directory (expected: " + what + ")");
            }
            if (Files.size(path) > MAX_FILE) {
                throw new TlsFileException(file, "is larger than 1 MiB (expected: " + what + ")");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(file, "does not exist (expected: " + what + ")");
        } catch (AccessDeniedException e) {
            throw new TlsFileException(file, "cannot be read: permission denied (expected: " + what + ")");
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot be read: " + e.getMessage() + " (expected: " + what + ")");
        }
    }

    static List<Block> blocks(String file, byte[] bytes) throws TlsFileException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        List<Block> out = new ArrayList<>();
        while (m.find()) {
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new TlsFileException(file, "has a " + m.group(1) + " block that is not valid base64");
            }
        }
        return out;
    }

    /** The certificates of a PEM file, in file order; at least one. */
    static List<X509Certificate> certificates(String file, String what) throws TlsFileException {
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("X.509 is not supported by this JVM", e);
        }
        for (Block b : blocks(file, read(file, what))) {
            if (!b.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new TlsFileException(file, "certificate " + (chain.size() + 1) + " cannot be parsed: "
                        + e.getMessage() + " (expected: " + what + ")");
            }
        }
        if (chain.isEmpty()) {
            throw new TlsFileException(file, "holds no PEM certificate (expected: " + what
                    + ", -----BEGIN CERTIFICATE----- blocks)");
        }
        return chain;
    }

    /** The first private key of a PEM file. */
    static PrivateKey privateKey(String file) throws TlsFileException {
        String what = "an unencrypted PEM private key";
        for (Block b : blocks(file, read(file, what))) {
            switch (b.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, b.der());
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, wrapRsa(b.der()));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new TlsFileException(file, "holds an encrypted key (expected: "
                        + what + "; decrypt it with: openssl pkey -in key.pem -out plain.pem)");
                case "EC PRIVATE KEY" -> throw new TlsFileException(file, "holds a SEC1 EC key (expected: a PKCS#8"
                        + " PRIVATE KEY; convert it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem)");
                default -> { }
            }
        }
        throw new TlsFileException(file, "holds no private key (expected: " + what
                + ", a -----BEGIN PRIVATE KEY----- block)");
    }

    private static PrivateKey pkcs8(String file, byte[] der) throws TlsFileException {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this algorithm: try the next.
            }
        }
        throw new TlsFileException(file, "holds a private key that cannot be read (expected: an RSA, EC or Ed25519 key)");
    }

    /** A PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo: version 0, rsaEncryption, the key as an OCTET STRING. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write((length >> 8) & 0xff);
            out.write(length & 0xff);
        }
    }
}
