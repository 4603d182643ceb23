package dev.gatehouse.server.metrics;

import dev.gatehouse.core.backend.Backend;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;

/**
 * What tells one backend's series from another's: pool, backend address and version. A backend
 * whose weight changes keeps its series; one whose version changes gets new ones.
 *
 * @param pool    the pool's name, or {@value Names#NONE}
 * @param backend the backend's {@code host:port}, or {@value Names#NONE}
 * @param version the backend's version label, or {@value Names#NONE}
 */
record SeriesKey(String pool, String backend, String version) {

    /** The key of requests that matched no route. */
    static final SeriesKey UNROUTED = new SeriesKey(Names.NONE, Names.NONE, Names.NONE);

    SeriesKey {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(version, "version");
    }

    /** The key of a backend. */
    static SeriesKey of(Backend backend) {
        return new SeriesKey(backend.pool(), backend.address().toString(), backend.version());
    }

    /** The key of a pool's requests that reached no backend. */
    static SeriesKey pool(String pool) {
        return new SeriesKey(pool, Names.NONE, Names.NONE);
    }

    /** The tags {@code pool}, {@code backend} and {@code version}. */
    Tags tags() {
        return Tags.of(Names.POOL, pool, Names.BACKEND, backend, Names.VERSION, version);
    }
}
