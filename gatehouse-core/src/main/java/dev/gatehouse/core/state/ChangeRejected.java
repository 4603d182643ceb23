package dev.gatehouse.core.state;

/**
 * A runtime change that cannot be made; nothing was changed. The admin API answers it with 400
 * and the field and message.
 */
public final class ChangeRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * @param field   the field of the change that is wrong, e.g. {@code weight}
     * @param message what is wrong, in the config errors' grammar: {@code 0 (expected: 1-1000)}
     */
    public ChangeRejected(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    /** The field of the change that is wrong. */
    public String field() {
        return field;
    }
}
