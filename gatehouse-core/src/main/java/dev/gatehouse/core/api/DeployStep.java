package dev.gatehouse.core.api;

import java.util.Objects;

/**
 * One step of a deploy's timeline, as the admin API and the dashboard show it.
 *
 * @param step what began: {@code gate}, {@code warm-up}, {@code hold}, {@code switch},
 *             {@code drain}, {@code retire} or {@code abort}
 * @param at   when it began, ISO-8601 UTC
 */
public record DeployStep(String step, String at) {

    /** Validates. */
    public DeployStep {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(at, "at");
    }
}
