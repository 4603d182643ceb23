package dev.gatehouse.server.restart;

/**
 * How a restart request ended.
 *
 * @param result what happened
 * @param pid    the new process's pid, or -1 when none serves
 * @param detail why, in words, for the log and the admin API
 */
public record RestartOutcome(Result result, long pid, String detail) {

    /** What happened to a restart request. */
    public enum Result {
        /** The new process serves; this one drains and exits. */
        RESTARTED,
        /** Not started: something in the way (a deploy, another restart, no epoll); nothing changed. */
        REFUSED,
        /** The new process did not take over; this one keeps serving. */
        FAILED
    }

    static RestartOutcome refused(String why) {
        return new RestartOutcome(Result.REFUSED, -1, why);
    }

    static RestartOutcome failed(String why) {
        return new RestartOutcome(Result.FAILED, -1, why);
    }
}
