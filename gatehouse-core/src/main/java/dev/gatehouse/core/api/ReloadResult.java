package dev.gatehouse.core.api;

import java.util.List;

/**
 * {@code POST /api/v1/reload} that applied.
 *
 * @param applied always true (a config with errors is a 400 with {@link ApiError#errors()})
 * @param notes   what the reload did not apply and why (a restart applies it), empty when it applied everything
 */
public record ReloadResult(boolean applied, List<String> notes) {

    /** Copies. */
    public ReloadResult {
        notes = List.copyOf(notes);
    }
}
