package dev.gatehouse.server.tls;

import dev.gatehouse.core.config.ConfigError;
import java.util.List;

/**
 * A listener's TLS cannot be set up: every error with its config path, e.g.
 * {@code listeners[0].tls.certificates[1].cert: "site.crt": expired on ... (expected: a certificate valid now)}.
 */
public final class TlsLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    TlsLoadException(List<ConfigError> errors) {
        super(String.join("; ", errors.stream().map(ConfigError::toString).toList()));
        this.errors = List.copyOf(errors);
    }

    /** Every error, with its path. */
    public List<ConfigError> errors() {
        return errors;
    }
}
