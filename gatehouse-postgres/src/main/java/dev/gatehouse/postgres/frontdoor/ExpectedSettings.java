package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.protocol.PgMessages;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One pool's clients' expected settings ({@code ClientParameters#expected}), shared: one
 * {@link Expected} per distinct value. Most clients of a pool expect the same settings, so a
 * server connection can tell by identity, without comparing maps, that it already reports what
 * the next client expects ({@link ServerSettings#inSyncWith}), and a client's greeting is
 * encoded once per value instead of once per login. Bounded: past {@link #MAX_VALUES} distinct
 * values (a distinct {@code application_name} per client, say) a value gets an instance of its
 * own, which is still right, only slower. Used on the front door's event loop only.
 */
final class ExpectedSettings {

    static final int MAX_VALUES = 1_024;

    /**
     * Settings a client expects, and the ParameterStatus messages that greet it.
     *
     * @param values lower-case names to values (unmodifiable)
     * @param greeting the encoded ParameterStatus messages, one per setting its pool's first
     *     connection reported, in that order, with the client's values where it has its own
     */
    record Expected(Map<String, String> values, byte[] greeting) {}

    private final Map<Map<String, String>, Expected> byValue = new HashMap<>();

    /** The shared instance for {@code values}; {@code baselineNamed} is the pool's, by the server's names. */
    Expected of(Map<String, String> values, Map<String, String> baselineNamed) {
        Expected known = byValue.get(values);
        if (known != null) {
            return known;
        }
        Expected made = new Expected(values, greeting(values, baselineNamed));
        if (byValue.size() < MAX_VALUES) {
            byValue.put(values, made);
        }
        return made;
    }

    private static byte[] greeting(Map<String, String> values, Map<String, String> baselineNamed) {
        ByteBuf out = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
        try {
            baselineNamed.forEach((name, value) -> {
                ByteBuf m = PgMessages.parameterStatus(UnpooledByteBufAllocator.DEFAULT, name,
                        values.getOrDefault(name.toLowerCase(Locale.ROOT), value));
                out.writeBytes(m);
                m.release();
            });
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        } finally {
            out.release();
        }
    }
}
