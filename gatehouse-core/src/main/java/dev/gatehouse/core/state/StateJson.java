package dev.gatehouse.core.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.gatehouse.core.backend.AdminState;
import java.io.IOException;

/**
 * The JSON form of a {@link RuntimeState}, one for every store (the state file, etcd): strict on
 * reading, since a store must not load less than its operators decided. Thread-safe.
 */
public final class StateJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule().addDeserializer(AdminState.class, new StdDeserializer<>(AdminState.class) {
                // AdminState.fromApiName answers null for a name it does not know, which would load
                // a misspelt "drain" as no override at all: back in service after a restart.
                @Override
                public AdminState deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                    String name = p.getValueAsString();
                    AdminState s = AdminState.fromApiName(name);
                    if (s == null) {
                        throw ctx.weirdStringException(name, AdminState.class, "expected: ready, drain or maint");
                    }
                    return s;
                }
            }));

    private StateJson() {
    }

    /** The state as UTF-8 JSON. */
    public static byte[] write(RuntimeState state) {
        try {
            return JSON.writeValueAsBytes(state);
        } catch (IOException e) {
            // Records of strings, numbers and lists: writing them to memory cannot fail.
            throw new IllegalStateException("runtime state not writable as JSON", e);
        }
    }

    /**
     * Reads a state written by {@link #write}.
     *
     * @throws IOException what is wrong with it (not JSON, unknown or missing fields, bad values, null)
     */
    public static RuntimeState read(byte[] json) throws IOException {
        RuntimeState state;
        try {
            state = JSON.readValue(json, RuntimeState.class);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (state == null) {
            // A JSON null reads as no object at all, not as no change.
            throw new IOException("null (expected: an object with revision and pools)");
        }
        return state;
    }
}
