package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads from the YAML tree that never throw: a value of the wrong type or out of range adds a
 * {@link ConfigError} at its path and reads as {@code null}, so one walk finds every error.
 *
 * <p>A null YAML value ({@code key:} or {@code key: ~}) counts as absent: the default applies, or a
 * required key is reported missing. Environment references are expanded here, when a string is read,
 * so an unset variable is reported at the path of the value that uses it.
 */
final class Values {

    private static final int MAX_QUOTED = 100;
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");
    private static final Pattern RECORD_MESSAGE = Pattern.compile("([a-z0-9_]+): (.*)", Pattern.DOTALL);

    private final List<ConfigError> errors = new ArrayList<>();
    private final Function<String, String> env;

    Values(Function<String, String> env) {
        this.env = env;
    }

    /** Every error so far, in the order found. */
    List<ConfigError> errors() {
        return errors;
    }

    /** How many errors so far: compare before and after reading a part to know whether it was clean. */
    int errorCount() {
        return errors.size();
    }

    void error(String path, String message) {
        errors.add(new ConfigError(path, message));
    }

    void missing(String path, String expected) {
        error(path, "missing (expected: " + expected + ")");
    }

    /** One entry of a map; {@code known} is what the map allows, for the unknown-field message. */
    record Field(String key, JsonNode value, String path, List<String> known) {
    }

    /** The entries of a map in document order, and which known keys have a non-null value. */
    record Fields(List<Field> entries, Set<String> present) implements Iterable<Field> {
        boolean has(String key) {
            return present.contains(key);
        }

        @Override
        public Iterator<Field> iterator() {
            return entries.iterator();
        }
    }

    /**
     * Reads a map. Entries come in document order: every unknown key, so that the caller's switch
     * reports it through {@link #unknown}, and every known key with a non-null value.
     *
     * @return the fields, or {@code null} when the node is not a map (reported)
     */
    Fields fields(JsonNode node, String path, List<String> known) {
        if (!node.isObject()) {
            error(path, describe(node) + " (expected: a map)");
            return null;
        }
        List<Field> entries = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            boolean isKnown = known.contains(e.getKey());
            if (!isKnown || !e.getValue().isNull()) {
                entries.add(new Field(e.getKey(), e.getValue(), Paths.child(path, e.getKey()), known));
            }
            if (isKnown && !e.getValue().isNull()) {
                present.add(e.getKey());
            }
        }
        return new Fields(entries, present);
    }

    /** Reports a key that the map does not allow. */
    void unknown(Field f) {
        error(f.path(), "unknown field " + quote(f.key()) + " (expected one of: " + String.join(", ", f.known()) + ")");
    }

    /** Reads a list of strings; {@code what} names them for the message; null (reported) when any is not one. */
    List<String> strings(JsonNode node, String path, String what) {
        ArrayNode list = list(node, path, what);
        if (list == null) {
            return null;
        }
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String s = string(list.get(i), Paths.index(path, i));
            if (s != null) {
                out.add(s);
            }
        }
        return out.size() == list.size() ? out : null;
    }

    /** Reads a list; {@code what} names its items for the message, e.g. {@code "listeners"}. */
    ArrayNode list(JsonNode node, String path, String what) {
        if (node instanceof ArrayNode list) {
            return list;
        }
        error(path, describe(node) + " (expected: a list of " + what + ")");
        return null;
    }

    /**
     * Reads a string, expanding environment references. A YAML integer is read as its digits, so
     * {@code version: 42} works ({@link YamlTree} keeps floats and non-decimal integers as text
     * already); a boolean must be quoted to be a string.
     */
    String string(JsonNode node, String path) {
        if (node.isTextual()) {
            return expand(node.textValue(), path);
        }
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        error(path, describe(node) + " (expected: a string; quote it)");
        return null;
    }

    /** Reads an integer from {@code min} to {@code max}; a string works only if it came from {@code ${VAR}}. */
    Integer integer(JsonNode node, String path, int min, int max) {
        String expected = " (expected: an integer " + min + "-" + max + ")";
        BigInteger value = null;
        String shown = describe(node);
        if (node.isIntegralNumber()) {
            value = node.bigIntegerValue();
        } else if (node.isTextual() && EnvSubstitution.hasReferences(node.textValue())) {
            String text = expand(node.textValue(), path);
            if (text == null) {
                return null;
            }
            shown = quote(text);
            value = DECIMAL.matcher(text).matches() ? new BigInteger(text) : null;
        }
        if (value == null || value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            error(path, shown + expected);
            return null;
        }
        return value.intValue();
    }

    /** Reads {@code true} or {@code false}; a string works only if it came from {@code ${VAR}}. */
    Boolean bool(JsonNode node, String path) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        String shown = describe(node);
        if (node.isTextual() && EnvSubstitution.hasReferences(node.textValue())) {
            String text = expand(node.textValue(), path);
            if (text == null) {
                return null;
            }
            if (text.equals("true") || text.equals("false")) {
                return Boolean.valueOf(text);
            }
            shown = quote(text);
        }
        error(path, shown + " (expected: true or false)");
        return null;
    }

    /** Reads a duration: a string in the {@link Units} grammar, or an integer number of seconds. */
    Duration duration(JsonNode node, String path) {
        String text = scalarText(node, path);
        if (text == null) {
            return null;
        }
        Duration d = Units.parseDuration(text);
        if (d == null) {
            error(path, shown(node, text) + " (expected: " + Units.DURATION_EXPECTED + ")");
        }
        return d;
    }

    /** Reads a duration like {@link #duration}, or zero ({@code 0}, {@code 0s}...), where zero means off. */
    Duration durationOrZero(JsonNode node, String path) {
        String text = scalarText(node, path);
        if (text == null) {
            return null;
        }
        Duration d = Units.parseDurationOrZero(text);
        if (d == null) {
            error(path, shown(node, text) + " (expected: " + Units.DURATION_OR_ZERO_EXPECTED + ")");
        }
        return d;
    }

    /** Reads a size in bytes from {@code min} to {@code max}: a string in the {@link Units} grammar, or an integer. */
    Long size(JsonNode node, String path, long min, long max) {
        String text = scalarText(node, path);
        if (text == null) {
            return null;
        }
        Long bytes = Units.parseSize(text);
        if (bytes == null) {
            error(path, shown(node, text) + " (expected: " + Units.SIZE_EXPECTED + ")");
            return null;
        }
        if (bytes < min || bytes > max) {
            error(path, shown(node, text) + " (expected: " + Units.formatSize(min) + " to " + Units.formatSize(max) + ")");
            return null;
        }
        return bytes;
    }

    /**
     * Calls a record constructor. Records validate themselves too; should one still refuse what the
     * walk let through, its message becomes an error instead of an exception. A message naming one of
     * {@code keys} ({@code "via: ..."}) is placed at that key's path.
     */
    <T> T build(String path, List<String> keys, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            String message = e.getMessage() == null ? "invalid (expected: a valid value)" : e.getMessage();
            Matcher m = RECORD_MESSAGE.matcher(message);
            if (m.matches() && keys.contains(m.group(1))) {
                error(Paths.child(path, m.group(1)), m.group(2));
            } else {
                error(path, message);
            }
            return null;
        }
    }

    /** The text of a string or integer scalar, expanded; anything else is reported. */
    private String scalarText(JsonNode node, String path) {
        if (node.isTextual()) {
            return expand(node.textValue(), path);
        }
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        error(path, describe(node) + " (expected: a string or integer)");
        return null;
    }

    private static String shown(JsonNode node, String text) {
        return node.isTextual() ? quote(text) : text;
    }

    private String expand(String text, String path) {
        try {
            return EnvSubstitution.expand(text, env);
        } catch (IllegalArgumentException e) {
            error(path, e.getMessage());
            return null;
        }
    }

    /** Shows a value in a message: strings quoted, numbers and booleans as they are, containers by kind. */
    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return quote(node.textValue());
        }
        if (node.isArray()) {
            return node.isEmpty() ? "[]" : "a list";
        }
        if (node.isObject()) {
            return node.isEmpty() ? "{}" : "a map";
        }
        return node.asText(); // numbers, true, false, null
    }

    /** Quotes and escapes a string for a message, cut at 100 characters so a message stays one short line. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int end = Math.min(s.length(), MAX_QUOTED);
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> appendPrintable(b, c);
            }
        }
        return b.append(s.length() > MAX_QUOTED ? "...\"" : "\"").toString();
    }

    /**
     * The text with its control characters (C0, DEL and C1, which terminals act on) escaped as
     * {@code \\uXXXX}: for messages that carry a parser's words about the input, which may quote
     * its bytes.
     */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            appendPrintable(b, s.charAt(i));
        }
        return b.toString();
    }

    private static void appendPrintable(StringBuilder b, char c) {
        if (Character.isISOControl(c)) {
            b.append(String.format("\\u%04x", (int) c));
        } else {
            b.append(c);
        }
    }
}
