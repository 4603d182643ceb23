package dev.gatehouse.core.cache;

import dev.gatehouse.core.content.HttpSyntax;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code Cache-Control} field values into directives (RFC 9111 §5.2):
 * {@code #( token [ "=" ( token / quoted-string ) ] )}, over every field line.
 *
 * <p>Nothing here throws. An element that breaks the grammar (whitespace around {@code =}, a
 * missing value after {@code =}, an unterminated quoted string, stray characters after the value)
 * is still reported, flagged malformed, under the name it starts with, so that
 * {@link CacheControl} can decide what a broken {@code no-store} or {@code max-age} means; the
 * next element starts after the next comma that is not inside a quoted string. Empty elements
 * ({@code ,,}) are skipped, as RFC 9110 §5.6.1 asks.
 *
 * <p>Reading is bounded: at most {@link #MAX_CHARS} characters over all lines (each line counts one
 * more, so that many empty lines are bounded too) and {@link #MAX_DIRECTIVES} directives. Past
 * either, {@link Result#overflow()} is set and the rest is not read.
 */
final class DirectiveList {

    /** Characters read over all field lines, at most. */
    static final int MAX_CHARS = 4096;
    /** Directives read, at most. */
    static final int MAX_DIRECTIVES = 64;

    /**
     * One element.
     *
     * @param name       the directive name, ASCII lower case; never empty
     * @param value      the argument with quoting removed, or null when there is none
     * @param wellFormed whether the element followed the grammar
     */
    record Directive(String name, String value, boolean wellFormed) {
    }

    /**
     * @param directives what was read, in order
     * @param overflow   whether reading stopped at a bound, so that more may have followed
     */
    record Result(List<Directive> directives, boolean overflow) {
    }

    private DirectiveList() {
    }

    /** Reads every directive of {@code lines} (null lines are skipped). */
    static Result read(List<String> lines) {
        List<Directive> out = new ArrayList<>();
        int budget = MAX_CHARS;
        for (String line : lines) {
            if (line == null) {
                continue;
            }
            budget -= line.length() + 1;
            if (budget < 0) {
                return new Result(List.copyOf(out), true);
            }
            if (!readLine(line, out)) {
                return new Result(List.copyOf(out), true);
            }
        }
        return new Result(List.copyOf(out), false);
    }

    /** Adds the directives of one line; false when {@link #MAX_DIRECTIVES} was passed. */
    private static boolean readLine(String s, List<Directive> out) {
        int n = s.length();
        int i = 0;
        while (true) {
            while (i < n && (s.charAt(i) == ',' || HttpSyntax.isOws(s.charAt(i)))) {
                i++;
            }
            if (i >= n) {
                return true;
            }
            int start = i;
            while (i < n && HttpSyntax.isTchar(s.charAt(i))) {
                i++;
            }
            String name = Ascii.lower(s.substring(start, i));
            String value = null;
            boolean ok = !name.isEmpty();
            if (ok && i < n && s.charAt(i) == '=') {
                i++;
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder v = new StringBuilder();
                    i = quoted(s, i + 1, v);
                    ok = i >= 0;
                    i = ok ? i : n;
                    value = v.toString();
                } else {
                    int vs = i;
                    while (i < n && HttpSyntax.isTchar(s.charAt(i))) {
                        i++;
                    }
                    value = s.substring(vs, i);
                    ok = !value.isEmpty();
                }
            }
            while (i < n && HttpSyntax.isOws(s.charAt(i))) {
                i++;
            }
            if (i < n && s.charAt(i) != ',') {
                ok = false;
                i = nextComma(s, i);
            }
            if (!name.isEmpty()) {
                if (out.size() == MAX_DIRECTIVES) {
                    return false;
                }
                out.add(new Directive(name, value, ok));
            }
        }
    }

    /**
     * Reads a quoted string's content from {@code i} (just after the opening quote) into {@code v};
     * returns the index after the closing quote, or -1 when it is unterminated or holds a control
     * character (RFC 9110 §5.6.4 allows HTAB, SP, VCHAR and obs-text, and a backslash before any).
     */
    private static int quoted(String s, int i, StringBuilder v) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
                if (i >= s.length()) {
                    return -1;
                }
                c = s.charAt(i);
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return -1;
            }
            v.append(c);
            i++;
        }
        return -1;
    }

    /** The index of the next comma at or after {@code i} outside a quoted string, or the end. */
    private static int nextComma(String s, int i) {
        boolean inQuotes = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inQuotes && c == '\\') {
                i++;
            } else if (c == '"') {
                inQuotes = !inQuotes;
            } else if (c == ',' && !inQuotes) {
                return i;
            }
        }
        return i;
    }
}
