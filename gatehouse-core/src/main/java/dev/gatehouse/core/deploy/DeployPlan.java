package dev.gatehouse.core.deploy;

import java.time.Duration;
import java.util.Objects;

/**
 * What a deploy is to do in one pool.
 *
 * @param pool           the pool
 * @param fromVersion    the live version now
 * @param toVersion      the version to make live
 * @param mode           fast or strict cutover
 * @param newBackends    how many backends the new version has
 * @param quorum         how many of them must be healthy to pass the readiness gate, 1 to
 *                       {@code newBackends}
 * @param warmupRequests requests to send to the new version after the gate, before the switch; 0
 *                       for none
 * @param gateTimeout    the longest wait for the gate and the warm-up; past it the deploy aborts
 *                       with the old version live, untouched
 * @param holdTimeout    strict mode: the longest hold of new requests while the old version's
 *                       requests finish; past it the cutover aborts and the held requests go to
 *                       the old version
 * @param drainTimeout   the longest wait for the old version's requests after the switch; past it
 *                       the old version is retired anyway
 */
public record DeployPlan(String pool, String fromVersion, String toVersion, DeployMode mode, int newBackends, int quorum,
                         int warmupRequests, Duration gateTimeout, Duration holdTimeout, Duration drainTimeout) {

    /** Validates the plan. */
    public DeployPlan {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(fromVersion, "fromVersion");
        Objects.requireNonNull(toVersion, "toVersion");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(gateTimeout, "gateTimeout");
        Objects.requireNonNull(holdTimeout, "holdTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        if (fromVersion.equals(toVersion)) {
            throw new IllegalArgumentException("version: \"" + toVersion + "\" (expected: a version other than the live one)");
        }
        if (newBackends < 1) {
            throw new IllegalArgumentException("backends: " + newBackends + " (expected: at least one backend of the new version)");
        }
        if (quorum < 1 || quorum > newBackends) {
            throw new IllegalArgumentException("quorum: " + quorum + " (expected: 1-" + newBackends + ")");
        }
        if (warmupRequests < 0) {
            throw new IllegalArgumentException("warmup: " + warmupRequests + " (expected: >= 0)");
        }
        for (Duration d : new Duration[] {gateTimeout, holdTimeout, drainTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout: " + d.toMillis() + "ms (expected: > 0)");
            }
        }
    }
}
