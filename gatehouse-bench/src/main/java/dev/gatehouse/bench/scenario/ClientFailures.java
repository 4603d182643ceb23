package dev.gatehouse.bench.scenario;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Locale;

/** Names a load client's failures with short, stable words, the categories the scenarios' reports count. */
public final class ClientFailures {

    private ClientFailures() {
    }

    /**
     * The cause of a failed exchange of {@link dev.gatehouse.testing.RawHttpClient}.
     *
     * @param e            what the client threw
     * @param connectLabel the words for a connect that failed (the reports name it differently)
     */
    public static String cause(UncheckedIOException e, String connectLabel) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        String msg = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
        boolean sending = e.getMessage() != null && e.getMessage().startsWith("send");
        if (c instanceof SocketTimeoutException) {
            return "timeout";
        }
        if (c instanceof ConnectException) {
            return connectLabel;
        }
        if (c instanceof EOFException) {
            return msg.contains("before a response") ? "closed before response" : "closed during response";
        }
        if (c instanceof ProtocolException) {
            return "protocol error";
        }
        if (c instanceof SocketException) {
            if (msg.contains("reset")) {
                return sending ? "connection reset (sending)" : "connection reset";
            }
            if (msg.contains("broken pipe")) {
                return "broken pipe (sending)";
            }
            return "socket error: " + msg;
        }
        return c.getClass().getSimpleName();
    }
}
