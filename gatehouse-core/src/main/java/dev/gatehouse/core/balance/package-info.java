/**
 * Balancing: which backend of a pool takes a request. Plain Java, no I/O; every strategy is a small
 * class behind {@link dev.gatehouse.core.balance.Balancer}.
 */
package dev.gatehouse.core.balance;
