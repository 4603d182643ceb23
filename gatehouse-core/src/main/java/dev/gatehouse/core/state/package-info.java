/**
 * Snapshots: the immutable view of everything the data plane needs to route, swapped in one step
 * so that a request never sees half a change.
 */
package dev.gatehouse.core.state;
