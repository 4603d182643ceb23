package dev.gatehouse.core.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * The admin API's JSON: snake_case field names; requests read strictly, responses written indented.
 *
 * <p>A request body is read in two steps, so that every error can name its field and show the value
 * as it was sent: first into a tree (malformed JSON, a duplicate key or trailing garbage is an error
 * with its line and column), then into the request record, with no coercion at all: {@code "5"} is
 * not an integer, {@code 1.5} is not an integer, {@code 5} is not a string, and an unknown field
 * is an error naming it and the fields that exist.
 */
public final class ApiJson {

    private static final PropertyNamingStrategies.NamingBase SNAKE_CASE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    private static final JsonMapper STRICT = JsonMapper.builder()
            .propertyNamingStrategy(SNAKE_CASE)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, c -> c
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /** For clients: a newer node may send fields an older client does not know. */
    private static final JsonMapper LENIENT = STRICT.rebuild()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ApiJson() {
    }

    /** Writes a response record as indented UTF-8 JSON ending in a newline. */
    public static byte[] write(Object value) {
        try {
            byte[] json = STRICT.writeValueAsBytes(value);
            byte[] out = Arrays.copyOf(json, json.length + 1);
            out[json.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a response record as compact UTF-8 JSON on one line (for a server-sent event's data). */
    public static byte[] writeLine(Object value) {
        try {
            return STRICT.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a request body strictly; an empty body reads as {@code {}}.
     *
     * @throws ApiInputException naming the field and what is wrong with it
     */
    public static <T> T read(byte[] body, Class<T> type) {
        JsonNode tree;
        try {
            tree = STRICT.readTree(body);
        } catch (StreamReadException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new ApiInputException(null, "unreadable body: " + firstLine(e.getMessage()) + " (expected: a JSON object)");
        }
        if (tree == null || tree.isMissingNode()) {
            tree = STRICT.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ApiInputException(null, describe(tree) + " (expected: a JSON object)");
        }
        try {
            return STRICT.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            List<String> known = type.isRecord()
                    ? Arrays.stream(type.getRecordComponents()).map(c -> SNAKE_CASE.translate(c.getName())).toList()
                    : List.of();
            throw new ApiInputException(e.getPropertyName(), "unknown field " + Views.quote(e.getPropertyName())
                    + (known.isEmpty() ? " (expected: no fields)" : " (expected one of: " + String.join(", ", known) + ")"));
        } catch (MismatchedInputException e) {
            String field = field(e);
            JsonNode value = field == null ? null : tree.get(field);
            String at = "";
            int index = e.getPath().size() > 1 ? e.getPath().get(1).getIndex() : -1;
            if (value != null && value.isArray() && index >= 0 && index < value.size()) {
                // An element of a list, e.g. "backends": [1].
                value = value.get(index);
                at = " at index " + index;
            }
            throw new ApiInputException(field, (value == null ? "a value" : describe(value)) + at
                    + " (expected: " + expected(e.getTargetType()) + ")");
        } catch (JsonMappingException e) {
            String field = field(e);
            JsonNode value = field == null ? null : tree.get(field);
            if (value != null && e.getCause() instanceof InputCoercionException c) {
                // A number out of range of its type, e.g. an int.
                throw new ApiInputException(field, describe(value) + " (expected: " + expected(c.getTargetType()) + ")");
            }
            throw new ApiInputException(field, firstLine(e.getOriginalMessage()));
        } catch (StreamReadException e) {
            // A number too large for its type, found while binding.
            throw new ApiInputException(null, firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ApiInputException(null, firstLine(e.getMessage()));
        } catch (IllegalArgumentException e) {
            // A record's own validation.
            throw new ApiInputException(null, firstLine(e.getMessage()));
        }
    }

    /**
     * Reads a response body leniently (unknown fields are skipped), for clients of the API.
     *
     * @throws IOException when it is not JSON of that shape
     */
    public static <T> T readResponse(byte[] body, Class<T> type) throws IOException {
        return LENIENT.readValue(body, type);
    }

    private static ApiInputException malformed(StreamReadException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new ApiInputException(null, "malformed JSON" + where + ": " + firstLine(e.getOriginalMessage())
                + " (expected: a JSON object)");
    }

    /** The top-level field an error is about, or null. */
    private static String field(JsonMappingException e) {
        List<JsonMappingException.Reference> path = e.getPath();
        return path.isEmpty() ? null : path.get(0).getFieldName();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a valid value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "a JSON object";
    }

    /** Shows a value in a message: strings quoted, numbers and literals as they are, containers by kind. */
    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return Views.quote(node.textValue());
        }
        if (node.isArray()) {
            return node.isEmpty() ? "[]" : "an array";
        }
        if (node.isObject()) {
            return node.isEmpty() ? "{}" : "an object";
        }
        return node.toString(); // numbers, true, false, null
    }

    /** The first line of a parser message, without the parser's notes on where the input came from. */
    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        for (String note : List.of(" (start marker at ", " at [Source: ", " [Source: ")) {
            int at = line.indexOf(note);
            if (at > 0) {
                line = line.substring(0, at);
            }
        }
        return line;
    }
}
