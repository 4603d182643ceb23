/**
 * Admission control at the balancer: per-backend concurrency limits (fixed or learned), a FIFO
 * queue at the pool, and slow-lane isolation. Plain Java with an injected clock; the data plane
 * feeds requests in and acts on the decisions.
 */
package dev.gatehouse.core.admission;
