package dev.gatehouse.postgres.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of an ErrorResponse or NoticeResponse, each a one-byte code and a string, in order:
 * {@code S} severity (localized), {@code V} severity (never localized), {@code C} SQLSTATE,
 * {@code M} message, {@code D} detail, {@code H} hint, and whatever else a server adds.
 *
 * @param fields the fields by code, in the order sent
 */
public record ErrorFields(Map<Character, String> fields) {

    /** Severity FATAL: the server (or front door) closes the connection after it. */
    public static final String FATAL = "FATAL";
    /** Severity ERROR: the statement failed; the session goes on. */
    public static final String ERROR = "ERROR";

    /**
     * Copies the fields, keeping their order.
     *
     * @throws IllegalArgumentException for a code 0 (the list's terminator) or a value with a NUL
     */
    public ErrorFields {
        LinkedHashMap<Character, String> copy = new LinkedHashMap<>();
        fields.forEach((code, value) -> {
            if (code == null || code == 0 || code > 0xff || value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("fields: " + code + "=" + value + " (expected: a one-byte code and a value without NUL)");
            }
            copy.put(code, value);
        });
        fields = Collections.unmodifiableMap(copy);
    }

    /**
     * The fields the front door sends: severity (as S and V), SQLSTATE and message.
     *
     * @param severity e.g. {@link #FATAL}
     * @param sqlState the five-character SQLSTATE
     * @param message the primary message
     */
    public static ErrorFields of(String severity, String sqlState, String message) {
        LinkedHashMap<Character, String> f = new LinkedHashMap<>();
        f.put('S', severity);
        f.put('V', severity);
        f.put('C', sqlState);
        f.put('M', message);
        return new ErrorFields(f);
    }

    /** A FATAL error for a protocol failure, with its SQLSTATE and message. */
    public static ErrorFields of(PgProtocolException e) {
        return of(FATAL, e.sqlState(), e.getMessage());
    }

    /** These fields plus a detail ({@code D}). */
    public ErrorFields withDetail(String detail) {
        return with('D', detail);
    }

    /** These fields plus a hint ({@code H}). */
    public ErrorFields withHint(String hint) {
        return with('H', hint);
    }

    /** These fields with one more, or one replaced. */
    public ErrorFields with(char code, String value) {
        LinkedHashMap<Character, String> f = new LinkedHashMap<>(fields);
        f.put(code, value);
        return new ErrorFields(f);
    }

    /** The severity, not localized ({@code V}) when sent, else {@code S}; null when neither. */
    public String severity() {
        String v = fields.get('V');
        return v != null ? v : fields.get('S');
    }

    /** The SQLSTATE ({@code C}), or null. */
    public String sqlState() {
        return fields.get('C');
    }

    /** The primary message ({@code M}), or null. */
    public String message() {
        return fields.get('M');
    }

    /** The detail ({@code D}), or null. */
    public String detail() {
        return fields.get('D');
    }

    /** The hint ({@code H}), or null. */
    public String hint() {
        return fields.get('H');
    }
}
