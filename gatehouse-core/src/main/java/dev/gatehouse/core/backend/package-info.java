/**
 * A backend as every other part of core sees it: its address, weight, version and admin state.
 * Leaf value types with no dependency on the rest of core but {@code config}, so that balancing,
 * health and snapshots can all use them without a cycle.
 */
package dev.gatehouse.core.backend;
