package dev.gatehouse.server.cache;

import dev.gatehouse.core.cache.StoredHeaders;
import dev.gatehouse.core.cache.StoredMeta;
import java.util.Arrays;

/** Stored responses for tests: a 200 with a couple of fields and a body of a given size. */
final class Responses {

    private Responses() {
    }

    /** A 200 under {@code varyKey} whose body is {@code bodyBytes} bytes of {@code fill}. */
    static CachedResponse of(String varyKey, int bodyBytes, char fill) {
        byte[] body = new byte[bodyBytes];
        Arrays.fill(body, (byte) fill);
        StoredHeaders headers = StoredHeaders.of("Content-Type", "text/plain", "Cache-Control", "max-age=60",
                "Date", "Thu, 01 Jan 2026 00:00:00 GMT");
        return new CachedResponse(new StoredMeta(200, headers, 60, 1_767_225_600L, 1_767_225_601L), varyKey, body);
    }

    /** A 200 with no Vary and a body of {@code bodyBytes} bytes. */
    static CachedResponse of(int bodyBytes) {
        return of("", bodyBytes, 'x');
    }
}
