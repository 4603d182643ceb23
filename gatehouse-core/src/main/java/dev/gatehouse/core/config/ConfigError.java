package dev.gatehouse.core.config;

/**
 * One problem in a config file.
 *
 * @param path    where it is, e.g. {@code pools.web.backends[1].address}
 * @param message what is there and what was expected, e.g. {@code "localhost:99999" (expected: port 0-65535)}
 */
public record ConfigError(String path, String message) {

    /**
     * Escapes control characters (C0, DEL, C1) in both parts: an error is shown on a terminal, in
     * logs and in the admin API's answers as one printable line, whatever bytes the file held and
     * however a check quoted them.
     */
    public ConfigError {
        path = path == null ? null : Values.printable(path);
        message = message == null ? null : Values.printable(message);
    }

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
