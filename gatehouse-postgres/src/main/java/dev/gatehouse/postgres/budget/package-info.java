/**
 * The connection budget of one PostgreSQL server: how many server connections each pool may hold,
 * who waits for one, in which order, and when an idle connection of one pool is closed to make
 * room for another. Pure decisions with an injected clock; the I/O layer holds the connections and
 * carries out what the budget decides.
 */
package dev.gatehouse.postgres.budget;
