package dev.gatehouse.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns YAML text into a Jackson tree, bounded and strict.
 *
 * <p>The tree is built from the parser's tokens rather than with {@code ObjectMapper.readTree}
 * because readTree cannot tell us three things we want to reject with a path: a key given twice
 * (readTree keeps the last one silently), an alias ({@code *name}, which Jackson's YAML parser
 * hands over as the plain string {@code name}), and a second document after {@code ---}.
 */
final class YamlTree {

    /** Deeper than any sane config; keeps both the parser and the recursion here bounded. */
    static final int MAX_DEPTH = 32;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern DECIMAL = Pattern.compile("0|-?[1-9][0-9]*");
    private static final YAMLFactory FACTORY = newFactory();

    private YamlTree() {
    }

    private static YAMLFactory newFactory() {
        LoaderOptions options = new LoaderOptions();
        // The caller already bounds the text to 1 MiB; this is a second fence inside SnakeYAML.
        options.setCodePointLimit(ConfigLoader.MAX_SIZE + 1024);
        // Twice our own depth limit, so that ours (which names the path) is the one that fires.
        options.setNestingDepthLimit(2 * MAX_DEPTH);
        options.setMaxAliasesForCollections(10);
        return YAMLFactory.builder()
                .loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(2 * MAX_DEPTH)
                        .maxStringLength(ConfigLoader.MAX_SIZE)
                        .maxNumberLength(100)
                        .build())
                // YAML 1.1 reads yes/no/on/off/y/n as booleans ("the Norway problem"); we want only
                // true and false to be booleans, so that `version: n` stays a string.
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                // `key:` with nothing after it is null (absent), while `key: ""` stays an empty string.
                .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                .build();
    }

    /**
     * Parses one YAML document.
     *
     * @return the root node, or {@code null} for an empty document (only comments, whitespace or {@code ~})
     * @throws ConfigException with one error: a syntax error with its line and column, a duplicate
     *                         key, an alias or a second document
     */
    static JsonNode parse(String yaml) throws ConfigException {
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode root = read(parser, "", 0);
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                // A trailing "---" with nothing after it is an empty document: harmless.
                if (t != JsonToken.VALUE_NULL) {
                    throw error("", "a second document (expected: one YAML document per file)");
                }
            }
            return root.isNull() ? null : root;
        } catch (JsonProcessingException e) {
            throw error("", syntaxMessage(e));
        } catch (IOException | RuntimeException e) {
            // SnakeYAML may throw its own unchecked exceptions past Jackson: still a bad file, not a crash.
            throw error("", "unreadable YAML: " + firstLine(e.getMessage()) + " (expected: valid YAML)");
        }
    }

    /** Reads the value at the current token, which is not null. */
    private static JsonNode read(JsonParser p, String path, int depth) throws IOException, ConfigException {
        if (depth > MAX_DEPTH) {
            throw error(path, "nested deeper than " + MAX_DEPTH + " levels (expected: a shallower document)");
        }
        if (p instanceof YAMLParser yp && yp.isCurrentAlias()) {
            throw error(path, "alias *" + Values.printable(p.getText()) + " (expected: a value; anchors and aliases are not supported)");
        }
        return switch (p.currentToken()) {
            case START_OBJECT -> readObject(p, path, depth);
            case START_ARRAY -> readArray(p, path, depth);
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> integerNode(p);
            // No setting is fractional; as text, `version: 1.10` stays "1.10" instead of becoming 1.1.
            case VALUE_NUMBER_FLOAT -> NODES.textNode(p.getText());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            // Binary (!!binary) and other embedded values have no place in a config file.
            default -> throw error(path, "an embedded object (expected: a map, a list, or a string, number or boolean)");
        };
    }

    /**
     * A plain decimal integer becomes a number; YAML 1.1's other integer forms ({@code 010} is octal 8,
     * {@code 0x1F}, {@code 1_000}, {@code +5}) stay text, so a version label keeps its digits and a
     * number field reports what was written instead of silently using another value.
     */
    private static JsonNode integerNode(JsonParser p) throws IOException {
        String text = p.getText();
        if (!DECIMAL.matcher(text).matches()) {
            return NODES.textNode(text);
        }
        return switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
        };
    }

    private static ObjectNode readObject(JsonParser p, String path, int depth) throws IOException, ConfigException {
        ObjectNode node = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            String child = Paths.child(path, key);
            if (node.has(key)) {
                throw error(child, "duplicate key " + Values.quote(key) + " (expected: each key once)");
            }
            p.nextToken();
            node.set(key, read(p, child, depth + 1));
        }
        return node;
    }

    private static ArrayNode readArray(JsonParser p, String path, int depth) throws IOException, ConfigException {
        ArrayNode node = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            node.add(read(p, Paths.index(path, node.size()), depth + 1));
        }
        return node;
    }

    /** One line: "line 3, column 7: mapping values are not allowed here (expected: valid YAML)". */
    private static String syntaxMessage(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
            Mark mark = m.getProblemMark();
            return at(mark.getLine() + 1, mark.getColumn() + 1) + firstLine(m.getProblem()) + " (expected: valid YAML)";
        }
        JsonLocation loc = e.getLocation();
        String where = loc != null && loc.getLineNr() > 0 ? at(loc.getLineNr(), loc.getColumnNr()) : "";
        return where + firstLine(e.getOriginalMessage()) + " (expected: valid YAML)";
    }

    private static String at(int line, int column) {
        return "line " + line + ", column " + column + ": ";
    }

    /** The message's first line, its control characters escaped: SnakeYAML quotes the bytes it trips on. */
    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "syntax error";
        }
        String s = message.strip();
        int nl = s.indexOf('\n');
        return Values.printable(nl < 0 ? s : s.substring(0, nl).strip());
    }

    private static ConfigException error(String path, String message) {
        return new ConfigException(List.of(new ConfigError(path, message)));
    }
}
