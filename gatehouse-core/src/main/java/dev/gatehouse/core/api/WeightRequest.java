package dev.gatehouse.core.api;

/**
 * {@code PUT /api/v1/pools/{pool}/backends/{address}/weight}: {@code {"weight": 5}}.
 *
 * @param weight 1-1000; required
 */
public record WeightRequest(Integer weight) {

    /** The weight; its range is checked with the change. */
    public int required() {
        if (weight == null) {
            throw new ApiInputException("weight", "missing (expected: an integer 1-1000)");
        }
        return weight;
    }
}
