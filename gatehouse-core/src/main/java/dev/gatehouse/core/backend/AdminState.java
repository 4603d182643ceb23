package dev.gatehouse.core.backend;

import java.util.Locale;

/** What an operator decided about a backend, apart from its health. */
public enum AdminState {
    /** In service: takes requests when healthy. */
    READY,
    /** Takes no new requests; those in flight finish. It is drained once none is left. */
    DRAIN,
    /** Out of service for maintenance: no new requests (those in flight finish). */
    MAINT;

    /** The name in the API and the state file, e.g. {@code drain}. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #apiName()}; null if unknown. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static AdminState fromApiName(String name) {
        for (AdminState s : values()) {
            if (s.apiName().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
