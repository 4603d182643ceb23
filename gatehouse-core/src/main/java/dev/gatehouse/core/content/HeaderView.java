package dev.gatehouse.core.content;

import java.util.List;

/**
 * Read access to a message's header fields, so that the HTTP semantics decided in core (ranges,
 * conditionals, content negotiation, caching) need no codec's header class. The data plane adapts
 * its Netty headers; tests pass a map.
 */
@FunctionalInterface
public interface HeaderView {

    /** A view with no fields. */
    HeaderView EMPTY = name -> List.of();

    /**
     * Every field line's value of {@code name}, in the order received; empty when absent.
     *
     * @param name a field name, matched case-insensitively
     */
    List<String> all(String name);

    /** The first value of {@code name}, or null when absent. */
    default String first(String name) {
        List<String> values = all(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Whether {@code name} is present at least once. */
    default boolean has(String name) {
        return !all(name).isEmpty();
    }
}
