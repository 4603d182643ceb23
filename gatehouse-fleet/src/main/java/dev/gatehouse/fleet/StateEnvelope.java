package dev.gatehouse.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateJson;
import java.io.IOException;

/**
 * The value of the fleet's state key: the state's JSON inside an object that names its schema,
 * {@code {"schema": "gatehouse.fleet.state/1", "state": {...}}}, so that a node never applies a
 * value another program, or a later Gatehouse with another layout, wrote there.
 */
final class StateEnvelope {

    /** The schema this build writes and reads. */
    static final String SCHEMA = "gatehouse.fleet.state/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private StateEnvelope() {
    }

    static byte[] wrap(RuntimeState state) {
        try {
            ObjectNode root = JSON.createObjectNode();
            root.put("schema", SCHEMA);
            root.set("state", JSON.readTree(StateJson.write(state)));
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("runtime state not writable as JSON", e);
        }
    }

    /**
     * @throws IOException what is wrong with the value: not JSON, another schema, or a state that
     *                     does not read
     */
    static RuntimeState unwrap(byte[] value) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        JsonNode schema = root.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new IOException("no \"schema\" field (expected \"" + SCHEMA + "\"): not written by Gatehouse");
        }
        if (!SCHEMA.equals(schema.asText())) {
            throw new IOException("schema \"" + schema.asText() + "\", this node reads \"" + SCHEMA
                    + "\" (written by another program, or by a Gatehouse with another layout)");
        }
        JsonNode state = root.get("state");
        if (state == null || !state.isObject()) {
            throw new IOException("no \"state\" object");
        }
        return StateJson.read(JSON.writeValueAsBytes(state));
    }
}
