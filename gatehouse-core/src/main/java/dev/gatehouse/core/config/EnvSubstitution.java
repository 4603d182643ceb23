package dev.gatehouse.core.config;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:-default}} in a scalar string; <code>$${</code> is a
 * literal <code>${</code>. Runs on values after YAML parsing, so a variable can never add keys or list items.
 */
final class EnvSubstitution {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvSubstitution() {
    }

    /** Whether the text has anything for {@link #expand} to do. */
    static boolean hasReferences(String text) {
        return text.contains("${");
    }

    /**
     * Expands every reference. A default applies when the variable is unset or empty, as in a POSIX shell.
     *
     * @throws IllegalArgumentException with a message in the config error grammar
     */
    static String expand(String text, Function<String, String> env) {
        if (!hasReferences(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    throw malformed(text);
                }
                out.append(resolve(text.substring(i + 2, close), text, env));
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String resolve(String reference, String text, Function<String, String> env) {
        int sep = reference.indexOf(":-");
        String name = sep < 0 ? reference : reference.substring(0, sep);
        if (!NAME.matcher(name).matches()) {
            throw malformed(text);
        }
        String value = env.apply(name);
        if (sep >= 0 && (value == null || value.isEmpty())) {
            return reference.substring(sep + 2);
        }
        if (value == null) {
            throw new IllegalArgumentException("${" + name + "} is not set (expected: an environment variable or ${"
                    + name + ":-default})");
        }
        return value;
    }

    private static IllegalArgumentException malformed(String text) {
        return new IllegalArgumentException(Values.quote(text)
                + " (expected: ${NAME} or ${NAME:-default}, or $${ for a literal ${)");
    }
}
