package dev.gatehouse.core.api;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.deploy.DeployMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/v1/pools/{pool}/deploy}:
 * {@code {"version": "v42", "backends": ["10.0.0.21:8001"], "mode": "strict", "quorum": 1,
 * "gate_timeout": "60s", "hold_timeout": "10s", "drain_timeout": "30s"}}.
 *
 * @param version      the version to make live; required
 * @param backends     its backends, {@code host:port}; required, at least one, no repeats
 * @param mode         {@code fast} or {@code strict}, or null for fast
 * @param quorum       how many of the backends must be healthy to cut over, 1 to their number, or
 *                     null for all of them
 * @param gateTimeout  the longest wait for the readiness gate, or null for 60 s
 * @param holdTimeout  strict mode: the longest hold of new requests, or null for 10 s
 * @param drainTimeout the longest wait for the old version's requests after the switch, or null for 30 s
 * @param warmup       requests sent to the new backends after the gate and before the switch, or
 *                     null for none
 */
public record DeployRequest(String version, List<String> backends, String mode, Integer quorum, String gateTimeout,
                            String holdTimeout, String drainTimeout, Integer warmup) {

    /** The readiness gate's timeout when none is given. */
    public static final Duration GATE_TIMEOUT = Duration.ofSeconds(60);
    /** A strict cutover's hold timeout when none is given. */
    public static final Duration HOLD_TIMEOUT = Duration.ofSeconds(10);
    /** The drain's timeout when none is given. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** More backends than this in one deploy is almost certainly a mistake. */
    static final int MAX_BACKENDS = 256;

    /** The warm-up requests, 0 when none was asked for. */
    public int warmupOrDefault() {
        if (warmup == null) {
            return 0;
        }
        if (warmup < 0 || warmup > 10_000) {
            throw new ApiInputException("warmup", warmup + " (expected: 0-10000 requests)");
        }
        return warmup;
    }

    /** The version, checked. */
    public String versionRequired() {
        return ApiRequests.version(version, "version");
    }

    /**
     * The backends, checked.
     *
     * @return the backends; empty when none were given (a supervised app's deploy starts its own)
     * @throws ApiInputException when one is not an address, or one is named twice
     */
    public List<HostPort> addresses() {
        if (backends == null || backends.isEmpty()) {
            return List.of();
        }
        if (backends.size() > MAX_BACKENDS) {
            throw new ApiInputException("backends", backends.size() + " backends (expected: at most " + MAX_BACKENDS + ")");
        }
        List<HostPort> out = new ArrayList<>(backends.size());
        Set<HostPort> seen = new HashSet<>();
        for (String b : backends) {
            HostPort address = ApiRequests.backendAddress(b, "backends");
            if (!seen.add(address)) {
                throw new ApiInputException("backends", Views.quote(b) + " is named twice (expected: each backend once)");
            }
            out.add(address);
        }
        return out;
    }

    /** The mode, fast when none is given. */
    public DeployMode modeOrDefault() {
        return ApiRequests.mode(mode, "mode");
    }

    /**
     * The quorum, checked against the number of backends; all of them when none is given.
     *
     * @throws ApiInputException when it is out of 1 to {@code backendCount}
     */
    public int quorumOf(int backendCount) {
        if (quorum == null) {
            return backendCount;
        }
        if (quorum < 1 || quorum > backendCount) {
            throw new ApiInputException("quorum", quorum + " (expected: 1-" + backendCount + ", at most the number of backends)");
        }
        return quorum;
    }

    /** The readiness gate's timeout. */
    public Duration gateTimeoutOrDefault() {
        return ApiRequests.duration(gateTimeout, "gate_timeout", GATE_TIMEOUT);
    }

    /** A strict cutover's hold timeout. */
    public Duration holdTimeoutOrDefault() {
        return ApiRequests.duration(holdTimeout, "hold_timeout", HOLD_TIMEOUT);
    }

    /** The drain's timeout. */
    public Duration drainTimeoutOrDefault() {
        return ApiRequests.duration(drainTimeout, "drain_timeout", DRAIN_TIMEOUT);
    }
}
