package dev.gatehouse.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The command of a supervised app, split into a program and its arguments the way a shell splits a
 * simple command, but run without a shell.
 *
 * <p>The rules: words are separated by spaces, tabs or newlines; {@code "..."} keeps spaces and
 * everything else in one word, where {@code \"} and {@code \\} stand for {@code "} and {@code \};
 * {@code '...'} keeps everything as written; outside quotes, {@code \} keeps the next character as
 * it is. Since no shell runs the command, there are no pipes, redirections, {@code &&}, variables,
 * globs or {@code ~}: an unquoted {@code | & ; < > ( ) `} or {@code $}, or a {@code ~} starting a
 * word, is refused rather than passed on silently (quote it to pass it as an argument). Wrap the
 * command in {@code sh -c "..."} for shell features. {@code ${VAR}} references are filled in when
 * the config is loaded, the placeholders ({@code {port}}, {@code {version}}, {@code {instance}})
 * each time an instance starts.
 *
 * @param text  the command as written
 * @param words the program and its arguments, placeholders not yet filled in; never empty
 */
public record CommandTemplate(String text, List<String> words) {

    private static final String SHELL_ONLY = "|&;<>()`$";

    /** Validates and copies. */
    public CommandTemplate {
        Objects.requireNonNull(text, "text");
        words = List.copyOf(words);
        if (words.isEmpty() || words.get(0).isEmpty()) {
            throw new IllegalArgumentException("command: " + Values.quote(text) + " (expected: a program and its arguments)");
        }
    }

    /**
     * Splits a command.
     *
     * @throws IllegalArgumentException with a message in the config error grammar, without a key:
     *                                  {@code "a | b" (expected: ...)}
     */
    public static CommandTemplate parse(String text) {
        Objects.requireNonNull(text, "text");
        List<String> words = new ArrayList<>();
        StringBuilder word = null; // null between words, so that "" can still make an empty word
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
                if (c == '~') {
                    throw refused(text, "~", "no shell expands ~; write the full path");
                }
            }
            switch (c) {
                case '"' -> i = doubleQuoted(text, i + 1, word);
                case '\'' -> {
                    int close = text.indexOf('\'', i + 1);
                    if (close < 0) {
                        throw unclosed(text, "'");
                    }
                    word.append(text, i + 1, close);
                    i = close + 1;
                }
                case '\\' -> {
                    if (i + 1 >= text.length()) {
                        throw new IllegalArgumentException(Values.quote(text)
                                + " (expected: a character after \\; write \\\\ for a backslash)");
                    }
                    word.append(text.charAt(i + 1));
                    i += 2;
                }
                default -> {
                    if (SHELL_ONLY.indexOf(c) >= 0) {
                        throw refused(text, String.valueOf(c), "quote it as \"" + c + "\" to pass it as an argument,"
                                + " or run the command with sh -c \"...\"");
                    }
                    word.append(c);
                    i++;
                }
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException(Values.quote(text) + " (expected: a program and its arguments)");
        }
        String unknown = words.stream().map(Placeholders::unknown).filter(Objects::nonNull).findFirst().orElse(null);
        if (unknown != null) {
            throw new IllegalArgumentException(Values.quote(text) + " (expected: " + Placeholders.EXPECTED
                    + "; " + unknown + " is none of them)");
        }
        return new CommandTemplate(text, words);
    }

    /** Reads a {@code "..."} part from {@code i}, just past the opening quote; returns the index past the closing one. */
    private static int doubleQuoted(String text, int i, StringBuilder word) {
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                word.append(text.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw unclosed(text, "\"");
    }

    private static IllegalArgumentException unclosed(String text, String quote) {
        return new IllegalArgumentException(Values.quote(text) + " (expected: a closing " + quote + ")");
    }

    private static IllegalArgumentException refused(String text, String what, String instead) {
        return new IllegalArgumentException(Values.quote(text) + " (expected: a program and its arguments, run without"
                + " a shell: " + what + " is a shell feature; " + instead + ")");
    }

    /** Whether {@code {port}} appears in the command. */
    public boolean usesPort() {
        return words.stream().anyMatch(Placeholders::usesPort);
    }

    /** The program and its arguments for one instance, placeholders filled in. */
    public List<String> render(int port, String version, int instance) {
        return words.stream().map(w -> Placeholders.fill(w, port, version, instance)).toList();
    }
}
