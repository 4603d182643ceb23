package dev.gatehouse.core.api;

/**
 * {@code POST /api/v1/restart} that succeeded: a new process serves; the one that answered drains
 * its connections and exits.
 *
 * @param restarted always true (a refused restart is a 409, a failed one a 500, with {@link ApiError})
 * @param pid       the new process's pid
 * @param oldPid    the pid of the process that answered, now draining
 * @param detail    what happened, in words
 */
public record RestartResult(boolean restarted, long pid, long oldPid, String detail) {
}
