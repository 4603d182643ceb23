/** Time as decision code sees it: an injected clock, so tests can advance it by hand. */
package dev.gatehouse.core.time;
