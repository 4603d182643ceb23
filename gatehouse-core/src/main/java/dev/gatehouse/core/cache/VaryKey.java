package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import dev.gatehouse.core.content.HeaderView;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The secondary cache key (RFC 9111 §4.1): the request fields a response's {@code Vary} names,
 * normalised, so that a stored response is reused only for requests that would have got the same
 * one.
 *
 * <p>The key lists the named fields in sorted order of their lower-cased names (Vary's order does
 * not matter, nor does a name repeated), each with the request's value, or a mark when the request
 * has none (an absent field matches only an absent field). A value is normalised in the ways §4.1
 * allows for a list-based field: lines are combined with commas (RFC 9110 §5.3), empty list
 * elements are dropped, whitespace around commas and at the ends is removed, and runs of SP/HTAB shrink to one SP, except inside quoted
 * strings. Case is kept: field values are case-sensitive unless a field says otherwise.
 *
 * <p>Field-specific normalisation is the data plane's: it passes a request view whose
 * {@code Accept-Encoding} already reads as the coding it would choose (for example {@code gzip}
 * or {@code identity}), so that the many spellings browsers send share one stored variant.
 *
 * <p>A {@code Vary} containing {@code *}, a member that is not a field name, or more than
 * {@link #MAX_FIELDS} names never matches: {@link #fieldNames} and {@link #secondaryKey} give null
 * and {@link Storability} does not store such a response.
 */
public final class VaryKey {

    /** The most fields a Vary may name before the response is treated as {@code Vary: *}. */
    public static final int MAX_FIELDS = 32;

    private VaryKey() {
    }

    /**
     * The field names {@code response}'s {@code Vary} lines list: lower case, sorted, without
     * repeats; empty without Vary; null when they cannot match (see the class comment).
     */
    public static List<String> fieldNames(HeaderView response) {
        TreeSet<String> names = new TreeSet<>();
        for (String line : response.all("Vary")) {
            for (String member : line.split(",", -1)) {
                String name = HttpSyntax.trimOws(member);
                if (name.isEmpty()) {
                    continue;
                }
                if (!HttpSyntax.isToken(name) || name.equals("*")) {
                    return null;
                }
                names.add(Ascii.lower(name));
                if (names.size() > MAX_FIELDS) {
                    return null;
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * The secondary key of {@code request} for a stored response: "" when the response has no Vary;
     * null when it can never match.
     *
     * @param storedResponse the stored response's fields (only its Vary is read)
     * @param request        the request's fields, Accept-Encoding already normalised by the caller
     */
    public static String secondaryKey(HeaderView storedResponse, HeaderView request) {
        List<String> names = fieldNames(storedResponse);
        if (names == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (String name : names) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            List<String> values = request.all(name);
            if (values.isEmpty()) {
                b.append(name).append('!');
            } else {
                b.append(name).append('=');
                escape(b, normalise(values));
            }
        }
        return b.toString();
    }

    /**
     * Whether {@code request} selects the stored response whose request had {@code storedKey}
     * (its {@link #secondaryKey} when stored).
     */
    public static boolean matches(String storedKey, HeaderView storedResponse, HeaderView request) {
        String key = secondaryKey(storedResponse, request);
        return key != null && key.equals(storedKey);
    }

    /** The lines combined, with list whitespace normalised outside quoted strings. */
    static String normalise(List<String> lines) {
        List<String> members = new ArrayList<>();
        for (String line : lines) {
            splitMembers(line, members);
        }
        StringBuilder b = new StringBuilder();
        for (String m : members) {
            if (m.isEmpty()) {
                continue; // an empty list element means nothing (RFC 9110 §5.6.1)
            }
            if (!b.isEmpty()) {
                b.append(',');
            }
            b.append(m);
        }
        return b.toString();
    }

    /** Adds the comma-separated members of {@code line}, each trimmed with inner runs of SP/HTAB as one SP. */
    private static void splitMembers(String line, List<String> out) {
        StringBuilder m = new StringBuilder();
        boolean quoted = false;
        boolean space = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (!quoted && c == ',') {
                out.add(m.toString());
                m.setLength(0);
                space = false;
                continue;
            }
            if (!quoted && HttpSyntax.isOws(c)) {
                space = true;
                continue;
            }
            if (space && !m.isEmpty()) {
                m.append(' ');
            }
            space = false;
            m.append(c);
            if (c == '"') {
                quoted = !quoted;
            } else if (quoted && c == '\\' && i + 1 < line.length()) {
                m.append(line.charAt(++i));
            }
        }
        out.add(m.toString());
    }

    /** Appends {@code s} with backslash and newline escaped, so that values cannot forge the key's separators. */
    private static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else {
                b.append(c);
            }
        }
    }
}
