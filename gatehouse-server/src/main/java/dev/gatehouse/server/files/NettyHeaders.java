package dev.gatehouse.server.files;

import dev.gatehouse.core.content.HeaderView;
import io.netty.handler.codec.http.HttpHeaders;

/** Netty's headers as core's {@link HeaderView}. */
public final class NettyHeaders {

    private NettyHeaders() {
    }

    /** A live view of {@code headers} (names are matched case-insensitively, as Netty does). */
    public static HeaderView view(HttpHeaders headers) {
        return headers::getAll;
    }
}
