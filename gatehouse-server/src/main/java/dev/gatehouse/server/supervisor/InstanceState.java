package dev.gatehouse.server.supervisor;

import java.time.Instant;

/**
 * Where a supervised instance is in its life.
 *
 * <pre>
 *  (start)             ──────────────────────────────► starting
 *  starting            ── up for 1 s ────────────────► running
 *  starting, running   ── exited on its own ─────────► restarting ── after the backoff ──► starting
 *  starting, running   ── stop: SIGTERM ─────────────► stopping
 *  stopping            ── exited (SIGKILL after stop_grace) ──► stopped
 *  restarting, failed  ── stop ──────────────────────► stopped
 *  (start), restarting ── the process cannot be spawned ──► failed
 * </pre>
 */
public sealed interface InstanceState {

    /** Spawned, up for less than a second. */
    InstanceState STARTING = new Starting();

    /** Up for a second or more. Whether it answers requests is for health checks to tell. */
    InstanceState RUNNING = new Running();

    /** The state's name, as logs and the admin API show it: {@code starting}, {@code running}... */
    default String label() {
        return switch (this) {
            case Starting s -> "starting";
            case Running r -> "running";
            case Restarting r -> "restarting";
            case Stopping s -> "stopping";
            case Stopped s -> "stopped";
            case Failed f -> "failed";
        };
    }

    /** Whether a process may be alive: starting, running or stopping. */
    default boolean hasProcess() {
        return this instanceof Starting || this instanceof Running || this instanceof Stopping;
    }

    /** Whether the instance is done: stopped, or failed to spawn (neither holds a process or a port). */
    default boolean isFinal() {
        return this instanceof Stopped || this instanceof Failed;
    }

    /** Spawned, up for less than a second. */
    record Starting() implements InstanceState {
    }

    /** Up for a second or more. */
    record Running() implements InstanceState {
    }

    /**
     * Exited without being asked; starts again on the same port at {@code nextAttempt}.
     *
     * @param nextAttempt  when the next start is due
     * @param lastExitCode how the process ended (128 + n: killed by signal n)
     */
    record Restarting(Instant nextAttempt, int lastExitCode) implements InstanceState {
    }

    /**
     * Asked to stop: SIGTERM sent; SIGKILL follows at {@code killAt} if the process is still there.
     *
     * @param killAt when the grace period ends
     */
    record Stopping(Instant killAt) implements InstanceState {
    }

    /**
     * Stopped as asked; holds no process and no port.
     *
     * @param exitCode how the last process ended, or -1 when none was running (a stop while restarting or failed)
     */
    record Stopped(int exitCode) implements InstanceState {
    }

    /**
     * Its process could not be spawned (the program or the working directory missing, not
     * executable); not retried, since nothing would change. Holds no port.
     *
     * @param reason why, from the operating system
     */
    record Failed(String reason) implements InstanceState {
    }
}
