/**
 * Hitless restart of a node: the running process hands its listening sockets to a new process of
 * the same command line over a Unix socket ({@code SCM_RIGHTS}), so that no connection waiting in
 * a listen queue is lost, then drains and exits. {@link dev.gatehouse.server.restart.NodeRestart}
 * runs it in the old process; {@link dev.gatehouse.server.restart.Takeover} is the new process's
 * side; {@link dev.gatehouse.server.restart.InheritedListeners} are the sockets it received.
 */
package dev.gatehouse.server.restart;
