package dev.gatehouse.fleet;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for one jetcd call, bounded, with etcd's failure as an {@link IOException} naming what was asked. */
final class EtcdCalls {

    private EtcdCalls() {
    }

    /** A call etcd did not answer in time (it may still apply, for a write). */
    static final class TimedOut extends IOException {
        private static final long serialVersionUID = 1L;

        TimedOut(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What an operator should check for etcd's gRPC status, when it is one that says. */
    private static String hint(String message) {
        if (message == null) {
            return "";
        }
        if (message.contains("UNAUTHENTICATED")) {
            return " (etcd's authentication is on and refused this node: check fleet.user and its password)";
        }
        if (message.contains("PERMISSION_DENIED")) {
            return " (fleet.user may not use the fleet's keys: grant its role read and write on the prefix)";
        }
        return "";
    }

    /**
     * @param what what the call does, for the message ({@code "read /gatehouse/fleets/web/state"})
     * @throws IOException when etcd did not answer within {@code timeout} (the call is cancelled),
     *                     refused, or the waiting thread was interrupted
     */
    static <T> T await(CompletableFuture<T> future, Duration timeout, String what) throws IOException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimedOut("etcd did not answer within " + timeout.toMillis() + " ms to " + what
                    + " (is it running at the fleet's endpoints, and do they speak TLS if and only if the fleet's tls says so?"
                    + " an etcd certificate the node does not trust looks the same)", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("etcd refused to " + what + ": " + cause.getMessage() + hint(cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for etcd to " + what, e);
        }
    }
}
