package dev.gatehouse.server.compress;

import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.Zstd;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which content codings this node can make: gzip always (the JDK's zlib); brotli and zstd when
 * their native libraries load here (brotli4j and zstd-jni ship them for Linux and macOS on x86_64
 * and aarch64). One that does not load is left out with a warning, once.
 */
public final class Codings {

    private static final Logger LOG = LoggerFactory.getLogger(Codings.class);
    private static final boolean BROTLI = load("br", Brotli::isAvailable, Brotli::cause);
    private static final boolean ZSTD = load("zstd", Zstd::isAvailable, Zstd::cause);

    private Codings() {
    }

    /** Each route's offered list, filtered once: routes ask for every response. */
    private static final java.util.concurrent.ConcurrentMap<List<String>, List<String>> FILTERED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code wanted} without the codings this node cannot make, in the same order. */
    public static List<String> available(List<String> wanted) {
        // Keyed by configured lists, which are few: the map stays as small as the configuration.
        return FILTERED.computeIfAbsent(wanted, Codings::filter);
    }

    private static List<String> filter(List<String> wanted) {
        List<String> out = new ArrayList<>(wanted.size());
        for (String c : wanted) {
            if (available(c)) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** Whether this node can make {@code coding}. */
    public static boolean available(String coding) {
        return switch (coding) {
            case "gzip" -> true;
            case "br" -> BROTLI;
            case "zstd" -> ZSTD;
            default -> false;
        };
    }

    private static boolean load(String coding, java.util.function.BooleanSupplier available,
                                java.util.function.Supplier<Throwable> cause) {
        try {
            if (available.getAsBoolean()) {
                return true;
            }
            LOG.warn("compression: {} is not available here ({}); routes offer the other codings", coding, cause.get());
        } catch (LinkageError e) {
            LOG.warn("compression: {} is not available here ({}); routes offer the other codings", coding, e.toString());
        }
        return false;
    }
}
