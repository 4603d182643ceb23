package dev.gatehouse.core.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Client certificates (mutual TLS) on a listener. The verified subject of a client's certificate
 * goes to the backend in {@code subjectHeader}; that header is always removed from what clients
 * send first, so a client cannot claim a subject.
 *
 * @param mode          whether a client certificate is asked for, and whether it is required
 * @param ca            PEM file of the certificate authorities client certificates must chain to;
 *                      required unless the mode is {@code none}
 * @param subjectHeader the request header carrying the verified subject (RFC 2253), e.g.
 *                      {@code X-Client-Cert-Subject}
 */
public record ClientAuthConfig(Mode mode, String ca, String subjectHeader) {

    // Before NONE: static fields initialize in order, and NONE's constructor reads it.
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

    /** The header name used when none is configured. */
    public static final String DEFAULT_SUBJECT_HEADER = "X-Client-Cert-Subject";

    /** No client certificates. */
    public static final ClientAuthConfig NONE = new ClientAuthConfig(Mode.NONE, null, DEFAULT_SUBJECT_HEADER);

    /** Whether a client certificate is asked for. */
    public enum Mode {
        /** Never asked for. */
        NONE,
        /** Asked for; a client without one is served, one with a certificate that does not verify is refused. */
        OPTIONAL,
        /** A handshake without a certificate that verifies fails. */
        REQUIRE;

        /** The name used in the configuration. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The value named {@code name} in the configuration. */
        public static Optional<Mode> byConfigName(String name) {
            for (Mode m : values()) {
                if (m.configName().equals(name)) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    /** Validates the combination. */
    public ClientAuthConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(subjectHeader, "subject_header");
        if (mode != Mode.NONE && (ca == null || ca.isBlank())) {
            throw new IllegalArgumentException("ca: missing (expected: a PEM file of the CAs that sign client"
                    + " certificates, with mode " + mode.configName() + ")");
        }
        if (mode == Mode.NONE && ca != null) {
            throw new IllegalArgumentException("ca: set with mode none (expected: mode optional or require)");
        }
        if (!TOKEN.matcher(subjectHeader).matches()) {
            throw new IllegalArgumentException("subject_header: \"" + subjectHeader + "\" (expected: a header name)");
        }
    }
}
