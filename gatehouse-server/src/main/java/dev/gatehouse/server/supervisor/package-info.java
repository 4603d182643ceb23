/**
 * The process supervisor: runs the instances of the apps in the config's {@code apps} section, per
 * version, each on its own port; appends their output to a log file per instance; restarts those
 * that exit without being asked, after a growing backoff; and stops them with SIGTERM, then SIGKILL
 * after a grace period. The node stops every supervised process when it stops.
 *
 * <p>The supervisor knows processes, not readiness: whether an instance answers is for health
 * checks to find out. A deploy starts the new version here, gates on health, cuts over, and stops
 * the old version here; {@link dev.gatehouse.server.supervisor.InstanceListener} tells it about
 * crashes and stops along the way.
 *
 * <p>Threading: every change of every instance runs on the supervisor's one thread; readers get
 * immutable views, swapped after each change.
 */
package dev.gatehouse.server.supervisor;
