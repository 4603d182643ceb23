package dev.gatehouse.postgres.protocol;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;

/**
 * Reads a StartupMessage's parameter list as PostgreSQL does: NUL-terminated name and value
 * pairs ending in an empty name, which must be the packet's last byte. Stricter on names than
 * PostgreSQL (which fails on a bad one later, as an unknown setting): a name is ASCII letters,
 * digits, {@code _ . $}, and no name comes twice.
 */
final class StartupParser {

    private StartupParser() {
    }

    /**
     * Parses the parameters that follow the version code.
     *
     * @param version the version code, 3.x
     * @param body the bytes after the version code, exactly to the packet's end
     * @throws PgProtocolException 08P01 for a malformed list, 28000 when it names no user
     */
    static StartupMessage parse(int version, ByteBuf body) {
        PayloadCursor in = new PayloadCursor(body, "StartupMessage");
        LinkedHashMap<String, String> parameters = new LinkedHashMap<>();
        while (true) {
            if (!in.hasMore()) {
                throw in.malformed("the parameter list does not end with an empty name");
            }
            String name = in.cString("a parameter name");
            if (name.isEmpty()) {
                break;
            }
            checkName(name);
            String value = in.cString("the value of \"" + name + "\"");
            if (parameters.putIfAbsent(name, value) != null) {
                throw in.malformed("parameter \"" + name + "\" given twice");
            }
        }
        if (in.hasMore()) {
            throw in.malformed("bytes after the parameter list's terminator (expected: the terminator as the last byte)");
        }
        if (parameters.getOrDefault("user", "").isEmpty()) {
            throw new PgProtocolException(PgProtocolException.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no PostgreSQL user name specified in startup packet");
        }
        return new StartupMessage(version, parameters);
    }

    private static void checkName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '$';
            if (!ok) {
                throw PgProtocolException.violation("malformed StartupMessage message: parameter name \"" + printable(name)
                        + "\" (expected: ASCII letters, digits, '_', '.', '$')");
            }
        }
    }

    /** The name with control characters escaped, so an error message shows what came. */
    private static String printable(String name) {
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(64).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
