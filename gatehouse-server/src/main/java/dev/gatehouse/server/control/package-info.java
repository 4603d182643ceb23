/**
 * The control plane of a node: the one way its routing state changes. Runtime changes and config
 * reloads are validated whole, written durably, and published as one snapshot swap.
 */
package dev.gatehouse.server.control;
