package dev.gatehouse.core.api;

/**
 * A request the admin API cannot read: malformed JSON, an unknown field, a value of the wrong type
 * or out of range, a bad path segment. Answered with 400 and the field; nothing was changed.
 */
public final class ApiInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field   the field that is wrong, e.g. {@code weight}, or null when the body as a whole is
     * @param message what is wrong, in the config errors' grammar: {@code "5" (expected: an integer)}
     */
    public ApiInputException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    /** The field that is wrong, or null. */
    public String field() {
        return field;
    }
}
