package dev.gatehouse.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Spans per request, exported with OTLP over HTTP (protobuf) to a collector: {@code tracing.otlp}.
 *
 * @param endpoint      the collector's traces URL, {@code http://} or {@code https://}, e.g.
 *                      {@code http://127.0.0.1:4318/v1/traces}
 * @param serviceName   the {@code service.name} of the spans' resource
 * @param samplePercent the share of the traces the node starts that are recorded, 0-100; a request
 *                      that arrives with a {@code traceparent} follows its {@code sampled} flag
 * @param timeout       the longest export of one batch
 * @param maxQueue      spans waiting for export at most; past it new ones are dropped (and counted
 *                      by the SDK), never waited for
 */
public record OtlpConfig(URI endpoint, String serviceName, int samplePercent, Duration timeout, int maxQueue) {

    /** The defaults beside the endpoint. */
    public static final String DEFAULT_SERVICE = "gatehouse";
    public static final int DEFAULT_PERCENT = 100;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_QUEUE = 4096;

    /** Validates. */
    public OtlpConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint: \"" + endpoint + "\" (expected: an http:// or https:// URL of the"
                    + " collector's traces endpoint, e.g. http://127.0.0.1:4318/v1/traces)");
        }
        if (serviceName == null || serviceName.isBlank() || serviceName.length() > 255) {
            throw new IllegalArgumentException("service_name: \"" + serviceName + "\" (expected: 1-255 characters)");
        }
        if (samplePercent < 0 || samplePercent > 100) {
            throw new IllegalArgumentException("sample_percent: " + samplePercent + " (expected: 0-100)");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: more than 0)");
        }
        if (maxQueue < 1) {
            throw new IllegalArgumentException("max_queue: " + maxQueue + " (expected: 1 or more)");
        }
    }
}
