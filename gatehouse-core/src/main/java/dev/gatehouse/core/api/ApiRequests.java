package dev.gatehouse.core.api;

import dev.gatehouse.core.config.HostPort;
import java.util.regex.Pattern;

/** Checks of request values shared by bodies and path segments. */
public final class ApiRequests {

    /** A pool name, as the config file allows it. */
    private static final Pattern POOL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** A host name or IPv4 literal, or (held without brackets) an IPv6 literal. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}|[0-9A-Fa-f:.]{2,45}");

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
        if (!HOST.matcher(address.host()).matches()) {
            throw new ApiInputException(field, Views.quote(text)
                    + " (expected: host:port with a host name or IP address, or [ipv6]:port)");
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
