package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;

/**
 * Reads a pool's {@code tls}: {@code true} for every default, {@code false} for none, or a map. The
 * {@code ca} file is read here, so that a missing or unreadable file, or one without a certificate,
 * is an error of the configuration with its path rather than a failure of the first request. Part
 * of {@link PoolWalker}.
 */
final class BackendTlsWalker {

    static final List<String> KEYS = List.of("enabled", "ca", "server_name", "verify", "provider");
    /** A CA bundle is small; the JDK's whole trust store is about 200 KiB of PEM. */
    private static final int MAX_CA_SIZE = 4 * 1024 * 1024;

    private final Values in;

    BackendTlsWalker(Values in) {
        this.in = in;
    }

    BackendTlsConfig tls(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue() ? BackendTlsConfig.DEFAULTS : BackendTlsConfig.OFF;
        }
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        BackendTlsConfig d = BackendTlsConfig.DEFAULTS;
        Boolean enabled = d.enabled();
        String ca = d.ca();
        String serverName = d.serverName();
        Boolean verify = d.verify();
        TlsConfig.Provider provider = d.provider();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "enabled" -> enabled = in.bool(f.value(), f.path());
                case "ca" -> ca = ca(in.string(f.value(), f.path()), f.path());
                case "server_name" -> serverName = serverName(in.string(f.value(), f.path()), f.path());
                case "verify" -> verify = in.bool(f.value(), f.path());
                case "provider" -> provider = provider(in.string(f.value(), f.path()), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        boolean e = enabled;
        String c = ca;
        String s = serverName;
        boolean v = verify;
        TlsConfig.Provider p = provider;
        return in.build(path, KEYS, () -> new BackendTlsConfig(e, c, s, v, p));
    }

    private String serverName(String text, String path) {
        if (text == null) {
            return null;
        }
        String name = text.toLowerCase(Locale.ROOT);
        if (!BackendTlsConfig.isServerName(name)) {
            in.error(path, Values.quote(text) + " (expected: a DNS name such as api.internal; not an IP address, "
                    + "which SNI cannot carry: leave server_name out to verify a backend by its IP address)");
            return null;
        }
        return name;
    }

    private TlsConfig.Provider provider(String text, String path) {
        if (text == null) {
            return null;
        }
        return TlsConfig.Provider.byConfigName(text).orElseGet(() -> {
            in.error(path, Values.quote(text) + " (expected one of: auto, openssl, jdk)");
            return null;
        });
    }

    /** Checks that the file holds at least one certificate; relative paths are taken from the working directory. */
    private String ca(String text, String path) {
        if (text == null) {
            return null;
        }
        String name = Values.quote(text);
        String expected = " (expected: a readable PEM file of CA certificates)";
        if (text.isBlank()) {
            in.error(path, name + expected);
            return null;
        }
        byte[] bytes;
        try (InputStream stream = Files.newInputStream(Path.of(text))) {
            bytes = stream.readNBytes(MAX_CA_SIZE + 1);
        } catch (NoSuchFileException e) {
            in.error(path, name + " does not exist" + expected);
            return null;
        } catch (AccessDeniedException e) {
            in.error(path, name + " cannot be read: permission denied" + expected);
            return null;
        } catch (IOException | RuntimeException e) {
            in.error(path, name + " cannot be read: " + e.getMessage() + expected);
            return null;
        }
        if (bytes.length > MAX_CA_SIZE) {
            in.error(path, name + " is larger than 4 MiB" + expected);
            return null;
        }
        try {
            int count = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(bytes)).size();
            if (count == 0) {
                in.error(path, name + " holds no certificate" + expected);
                return null;
            }
        } catch (CertificateException e) {
            in.error(path, name + " holds no valid certificate: " + Values.printable(String.valueOf(e.getMessage())) + expected);
            return null;
        }
        return text;
    }
}
