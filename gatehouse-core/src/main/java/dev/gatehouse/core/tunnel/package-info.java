/**
 * Decisions about open tunnels (upgraded connections such as WebSockets): when one whose backend
 * left service must end. No I/O and no clock of its own: the data plane feeds in the pool as it is
 * now and the time.
 */
package dev.gatehouse.core.tunnel;
