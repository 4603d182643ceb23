package dev.gatehouse.postgres.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client's StartupMessage: the protocol version it asks for and its parameters, in the order
 * sent ({@code user}, {@code database}, {@code application_name}, {@code options},
 * {@code _pq_.*} protocol options, settings...).
 *
 * <p>The decoder produces one for any 3.x version; a minor version above 0 is for the caller to
 * answer with NegotiateProtocolVersion, as a server that speaks 3.0 only does.
 *
 * @param version the protocol version code, major in the high 16 bits (see {@link #PROTOCOL_3_0})
 * @param parameters the parameters in the order sent; {@code user} among them
 */
public record StartupMessage(int version, Map<String, String> parameters) implements StartupPacket {

    /** The prefix of protocol options, which a server that does not know one lists in NegotiateProtocolVersion. */
    public static final String PROTOCOL_OPTION_PREFIX = "_pq_.";

    /**
     * Checks and copies the parameters, keeping their order.
     *
     * @throws IllegalArgumentException when the major version is not 3, there is no {@code user},
     *     or a name or value is empty where it must not be or holds a NUL
     */
    public StartupMessage {
        if (version >>> 16 != 3) {
            throw new IllegalArgumentException("version: " + (version >>> 16) + "." + (version & 0xffff) + " (expected: 3.x)");
        }
        LinkedHashMap<String, String> copy = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (name == null || name.isEmpty() || name.indexOf('\0') >= 0 || value == null || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("parameters: " + name + "=" + value + " (expected: a non-empty name and a value, without NUL)");
            }
            copy.put(name, value);
        });
        if (copy.getOrDefault("user", "").isEmpty()) {
            throw new IllegalArgumentException("parameters: no user (expected: a non-empty user)");
        }
        parameters = Collections.unmodifiableMap(copy);
    }

    /** A protocol 3.0 startup message with these parameters, in the map's order. */
    public static StartupMessage of(Map<String, String> parameters) {
        return new StartupMessage(PROTOCOL_3_0, parameters);
    }

    /** The major protocol version, 3. */
    public int majorVersion() {
        return version >>> 16;
    }

    /** The minor protocol version: 0, or 2 and up for newer clients. */
    public int minorVersion() {
        return version & 0xffff;
    }

    /** The user name. */
    public String user() {
        return parameters.get("user");
    }

    /** The database, which is the user name when the client names none (as PostgreSQL has it). */
    public String database() {
        String database = parameters.get("database");
        return database == null || database.isEmpty() ? user() : database;
    }

    /** A parameter's value, or null when the client did not send it. */
    public String parameter(String name) {
        return parameters.get(name);
    }

    /** The protocol options ({@code _pq_.} names) the client sent, in order. */
    public Map<String, String> protocolOptions() {
        LinkedHashMap<String, String> options = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (name.startsWith(PROTOCOL_OPTION_PREFIX)) {
                options.put(name, value);
            }
        });
        return Collections.unmodifiableMap(options);
    }
}
