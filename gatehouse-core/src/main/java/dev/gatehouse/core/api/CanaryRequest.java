package dev.gatehouse.core.api;

/**
 * {@code POST /api/v1/pools/{pool}/canary}: {@code {"version": "v42", "percent": 10}}; percent 0 (or
 * no version) ends the canary.
 *
 * @param version a registered version other than the live one; null to end the canary
 * @param percent its share of the pool's new requests, 1-99, or 0 to end it; required
 */
public record CanaryRequest(String version, Integer percent) {

    /** The share; its range is checked with the change. */
    public int percentRequired() {
        if (percent == null) {
            throw new ApiInputException("percent", "missing (expected: 1-99, or 0 to end the canary)");
        }
        return percent;
    }

    /** The version, checked when given; null ends the canary. */
    public String versionOrNull() {
        return version == null ? null : ApiRequests.version(version, "version");
    }
}
