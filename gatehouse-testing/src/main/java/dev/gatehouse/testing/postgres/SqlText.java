package dev.gatehouse.testing.postgres;

import java.util.regex.Pattern;

/**
 * The few pieces of SQL and configuration text the fixture writes from its builder's arguments.
 * Names are held to plain lower-case identifiers, so they need no quoting anywhere (SQL,
 * {@code pg_hba.conf}, a JDBC URL); values are quoted.
 */
final class SqlText {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?");

    private SqlText() {
    }

    /** Returns {@code name} if it is a plain identifier; throws naming {@code what} otherwise. */
    static String identifier(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + ": " + quoted(name) + " (expected: [a-z_][a-z0-9_]*, at most 63 characters)");
        }
        return name;
    }

    /** Returns {@code name} if it is a setting's name ({@code work_mem}, {@code auto_explain.log_min_duration}). */
    static String settingName(String name) {
        if (name == null || !SETTING_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting: " + quoted(name) + " (expected: a name like work_mem)");
        }
        return name;
    }

    /** Returns {@code value} if it fits in one line of text; throws naming {@code what} otherwise. */
    static String oneLine(String what, String value) {
        if (value == null || value.chars().anyMatch(c -> c == '\n' || c == '\r' || c == 0)) {
            throw new IllegalArgumentException(what + ": " + quoted(value) + " (expected: a value without line breaks or NUL)");
        }
        return value;
    }

    /** A SQL string literal (standard_conforming_strings is on: only quotes are special). */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** A postgresql.conf string value, where backslashes escape as well as doubled quotes. */
    static String confValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
