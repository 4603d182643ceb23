package dev.gatehouse.core.api;

import dev.gatehouse.core.config.HostPort;
import java.util.regex.Pattern;

/** Checks of request values shared by bodies and path segments. */
public final class ApiRequests {

    /** A pool name, as the config file allows it. */
    private static final Pattern POOL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private ApiRequests() {
    }

    /**
     * A backend address: {@code host:port} or {@code [ipv6]:port}, port 1-65535.
     *
     * @param field the field or path segment it came from, for the error
     * @throws ApiInputException when it is missing or not an address
     */
    public static HostPort backendAddress(String text, String field) {
        if (text == null) {
            throw new ApiInputException(field, "missing (expected: host:port)");
        }
        HostPort address;
        try {
            address = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiInputException(field, e.getMessage());
        }
        if (address.port() == 0) {
            throw new ApiInputException(field, Views.quote(text) + " (expected: port 1-65535)");
        }
        return address;
    }

    /**
     * A pool name: 1-63 lowercase letters, digits, {@code _} or {@code -}, starting with a letter or digit.
     *
     * @throws ApiInputException when it is not one
     */
    public static String poolName(String text) {
        if (text == null || !POOL.matcher(text).matches()) {
            throw new ApiInputException("pool", Views.quote(String.valueOf(text))
                    + " (expected: a pool name of 1-63 lowercase letters, digits, _ or -)");
        }
        return text;
    }
}
