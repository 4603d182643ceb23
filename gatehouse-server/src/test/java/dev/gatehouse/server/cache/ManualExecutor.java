package dev.gatehouse.server.cache;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor that runs nothing until the test says so, on the test's thread. */
final class ManualExecutor implements Executor {

    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    /** Runs what is queued, and what that queues, until nothing is left; how many ran. */
    int runAll() {
        int ran = 0;
        Runnable task;
        while ((task = queue.poll()) != null) {
            task.run();
            ran++;
        }
        return ran;
    }

    /** Runs the oldest queued task only. */
    void runNext() {
        queue.remove().run();
    }

    /** How many tasks wait. */
    int queued() {
        return queue.size();
    }
}
