/** DNS discovery: the queries for the pools' {@code discover} names, on the node's event loops, and their answers put in force. */
package dev.gatehouse.server.discovery;
