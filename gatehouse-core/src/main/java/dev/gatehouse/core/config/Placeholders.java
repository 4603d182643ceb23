package dev.gatehouse.core.config;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of a supervised app's command and env values: {@code {port}}, {@code {version}}
 * and {@code {instance}}, filled in each time an instance starts. Anything else in braces that
 * looks like a name ({@code {prot}}) is a mistake and reported; other braces ({@code {"a": 1}})
 * are kept as they are.
 */
final class Placeholders {

    static final List<String> NAMES = List.of("port", "version", "instance");
    static final String EXPECTED = "placeholders {port}, {version} and {instance}";

    private static final Pattern NAME = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

    private Placeholders() {
    }

    /** The first name in braces that is not a placeholder, or {@code null} when there is none. */
    static String unknown(String text) {
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            if (!NAMES.contains(m.group(1))) {
                return m.group();
            }
        }
        return null;
    }

    /** Whether the text uses {@code {port}}. */
    static boolean usesPort(String text) {
        return text.contains("{port}");
    }

    /** The text with every placeholder filled in. */
    static String fill(String text, int port, String version, int instance) {
        if (text.indexOf('{') < 0) {
            return text;
        }
        return text.replace("{port}", Integer.toString(port))
                .replace("{version}", version)
                .replace("{instance}", Integer.toString(instance));
    }
}
