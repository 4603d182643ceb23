package dev.gatehouse.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Every timeout of the data plane. All are positive.
 *
 * @param clientHeader          from the first byte of a request to its last header line (408 past it)
 * @param clientIdle            how long an idle keep-alive client connection is kept open
 * @param clientBody            longest pause between two reads of a request body (408 past it)
 * @param clientSend            longest time a client may leave a response unread (the exchange is cut)
 * @param backendConnect        to open a TCP connection to a backend (504 past it)
 * @param backendResponseHeader from the request fully sent to the response head received (504 past it)
 * @param backendIdle           longest pause between two reads of a response body (the exchange is cut)
 * @param shutdownDrain         how long a graceful shutdown waits for in-flight requests
 */
public record TimeoutsConfig(
        Duration clientHeader,
        Duration clientIdle,
        Duration clientBody,
        Duration clientSend,
        Duration backendConnect,
        Duration backendResponseHeader,
        Duration backendIdle,
        Duration shutdownDrain) {

    /** The defaults, chosen like nginx's and HAProxy's common settings. */
    public static final TimeoutsConfig DEFAULTS = new TimeoutsConfig(
            Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60),
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(30));

    /** Validates that every timeout is set and positive. */
    public TimeoutsConfig {
        Stream.of(clientHeader, clientIdle, clientBody, clientSend, backendConnect, backendResponseHeader, backendIdle, shutdownDrain)
                .forEach(d -> {
                    Objects.requireNonNull(d, "timeout");
                    if (d.isNegative() || d.isZero()) {
                        throw new IllegalArgumentException("timeout: " + d + " (expected: > 0)");
                    }
                });
    }
}
