package dev.gatehouse.core.api;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.Units;
import dev.gatehouse.core.deploy.DeployMode;
import java.time.Duration;
import java.util.regex.Pattern;

/** Checks of request values shared by bodies and path segments. */
public final class ApiRequests {

    /** A pool name, as the config file allows it. */
    private static final Pattern POOL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    /** A host name or IPv4 literal, or (held without brackets) an IPv6 literal. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}|[0-9A-Fa-f:.]{2,45}");
    /** A version label, as the state allows it. */
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

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

    /**
     * A version label: 1-64 letters, digits, {@code .}, {@code _} or {@code -}.
     *
     * @throws ApiInputException when it is missing or not one
     */
    public static String version(String text, String field) {
        if (text == null) {
            throw new ApiInputException(field, "missing (expected: a version label such as v42)");
        }
        if (!VERSION.matcher(text).matches()) {
            throw new ApiInputException(field, Views.quote(text)
                    + " (expected: a version label of 1-64 letters, digits, ., _ or -)");
        }
        return text;
    }

    /**
     * A cutover mode, {@code fast} or {@code strict}; {@code fast} when none is given.
     *
     * @throws ApiInputException when it is neither
     */
    public static DeployMode mode(String text, String field) {
        if (text == null) {
            return DeployMode.FAST;
        }
        for (DeployMode m : DeployMode.values()) {
            if (m.apiName().equals(text)) {
                return m;
            }
        }
        throw new ApiInputException(field, Views.quote(text) + " (expected: fast or strict)");
    }

    /**
     * A duration in the config file's grammar ({@code 250ms}, {@code 10s}, {@code 5m}), from 1 ms
     * to 24 h; {@code orElse} when none is given.
     *
     * @throws ApiInputException when it is not one
     */
    public static Duration duration(String text, String field, Duration orElse) {
        if (text == null) {
            return orElse;
        }
        Duration d = Units.parseDuration(text);
        if (d == null) {
            throw new ApiInputException(field, Views.quote(text) + " (expected: " + Units.DURATION_EXPECTED + ")");
        }
        return d;
    }
}
