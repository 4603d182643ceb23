package dev.gatehouse.postgres.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL text into statements of tokens, as far as telling session state apart needs: words
 * (keywords and plain identifiers, lower-cased as PostgreSQL folds them), quoted identifiers
 * (their text, case kept), the symbols {@code ( ) , * =}, and one {@link #LITERAL} token for each
 * string or number. Comments ({@code --} and
 * nested {@code /* *&#47;}), strings ({@code '...'}, {@code E'...'} with backslash escapes,
 * dollar-quoted {@code $tag$...$tag$}) and quoted identifiers are skipped whole, so a keyword
 * inside one is never taken for a statement. Statements end at a {@code ;} outside all of those.
 *
 * <p>Text it cannot close (a string without its end) ends the last statement there: the server
 * will reject that text anyway, and nothing after it is a statement.
 */
final class SqlTokens {

    /** The token standing for a string or a number. */
    static final String LITERAL = "'";

    private SqlTokens() {}

    /** The statements of {@code sql}, each a list of tokens; empty statements are left out. */
    static List<List<String>> statements(String sql) {
        List<List<String>> statements = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i);
            } else if (c == '\'') {
                current.add(LITERAL);
                i = skipQuoted(sql, i + 1, '\'', false);
            } else if (c == '"') {
                int end = skipQuoted(sql, i + 1, '"', false);
                // A quoted name keeps its case: "Jobs" and jobs are two channels, "jobs" and jobs one.
                current.add(sql.substring(i + 1, Math.max(i + 1, end - 1)).replace("\"\"", "\""));
                i = end;
            } else if ((c == 'e' || c == 'E') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                current.add(LITERAL);
                i = skipQuoted(sql, i + 2, '\'', true);
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                int tagEnd = dollarTagEnd(sql, i);
                String tag = sql.substring(i, tagEnd + 1);
                int close = sql.indexOf(tag, tagEnd + 1);
                current.add(LITERAL);
                i = close < 0 ? n : close + tag.length();
            } else if (c == ';') {
                if (!current.isEmpty()) {
                    statements.add(current);
                    current = new ArrayList<>();
                }
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                current.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
            } else if (Character.isDigit(c)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                current.add(LITERAL);
            } else {
                if ("(),*=".indexOf(c) >= 0) {
                    current.add(String.valueOf(c));
                }
                i++;
            }
        }
        if (!current.isEmpty()) {
            statements.add(current);
        }
        return statements;
    }

    /** The index after a block comment starting at {@code from}; they nest, as in PostgreSQL. */
    private static int skipBlockComment(String sql, int from) {
        int depth = 0;
        int i = from;
        while (i + 1 < sql.length()) {
            if (sql.charAt(i) == '/' && sql.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /** The index after the closing quote of text opened just before {@code from}. */
    private static int skipQuoted(String sql, int from, char quote, boolean backslashEscapes) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return sql.length();
    }

    /**
     * The index of the {@code $} closing a dollar-quote tag opened at {@code from}
     * ({@code $$} or {@code $name$}), or -1 when {@code from} opens none (a parameter like
     * {@code $1}).
     */
    private static int dollarTagEnd(String sql, int from) {
        int i = from + 1;
        if (i < sql.length() && (Character.isDigit(sql.charAt(i)))) {
            return -1;
        }
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '$') {
                return i;
            }
            if (!Character.isLetterOrDigit(c) && c != '_') {
                return -1;
            }
            i++;
        }
        return -1;
    }
}
