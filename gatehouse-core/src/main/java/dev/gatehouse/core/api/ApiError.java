package dev.gatehouse.core.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.core.config.ConfigError;
import java.util.List;
import java.util.Objects;

/**
 * The body of every error response: {@code {"error": "weight: 0 (expected: 1-1000)", "field": "weight"}}.
 *
 * @param error  what is wrong, one sentence
 * @param field  the request field it is about, or null
 * @param errors for a reload of a config with errors: every error with its path; otherwise left out
 */
public record ApiError(String error, String field,
                       @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ConfigError> errors) {

    /** Validates and copies. */
    public ApiError {
        Objects.requireNonNull(error, "error");
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** An error about the request as a whole. */
    public static ApiError of(String error) {
        return new ApiError(error, null, List.of());
    }

    /** An error about one field. */
    public static ApiError of(String error, String field) {
        return new ApiError(error, field, List.of());
    }
}
