package dev.gatehouse.server.admin;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that calls the control plane for the admin API. The control plane blocks (it
 * forces the state file to disk and waits for every event loop), so it never runs on an event
 * loop; one thread also keeps the API's changes in arrival order. At most {@value #MAX_WAITING}
 * calls wait; past that a change is refused at once (503) rather than queued without bound.
 */
final class ControlExecutor {

    /** Changes that may wait for the control thread. */
    static final int MAX_WAITING = 32;

    private final ThreadPoolExecutor executor;

    ControlExecutor(String threadName) {
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_WAITING), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs a call on the control thread.
     *
     * @return its result; failed with {@link RejectedExecutionException} when too many calls wait or
     *         the executor is stopped, or with whatever the call threw
     */
    <T> CompletableFuture<T> submit(Callable<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    result.complete(call.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Takes no more calls; lets the running one and those waiting finish for up to {@code timeoutMillis}. */
    void stop(long timeoutMillis) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
