/** Session persistence: signed cookies that name the backend a client sticks to. */
package dev.gatehouse.core.sticky;
