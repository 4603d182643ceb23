package dev.gatehouse.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** A config file that cannot be used, with every error found in it. */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigError> errors;

    /** Creates one from a non-empty list of errors. */
    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("errors: [] (expected: at least one)");
        }
        this.errors = List.copyOf(errors);
    }

    /** Every error, in file order as far as it is known. */
    public List<ConfigError> errors() {
        return errors;
    }
}
