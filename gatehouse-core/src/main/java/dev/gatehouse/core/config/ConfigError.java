package dev.gatehouse.core.config;

/**
 * One problem in a config file.
 *
 * @param path    where it is, e.g. {@code pools.web.backends[1].address}
 * @param message what is there and what was expected, e.g. {@code "localhost:99999" (expected: port 0-65535)}
 */
public record ConfigError(String path, String message) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
