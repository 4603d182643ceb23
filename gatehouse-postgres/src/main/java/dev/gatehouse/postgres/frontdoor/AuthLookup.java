package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.protocol.ErrorFields;
import dev.gatehouse.postgres.protocol.PgMessage;
import dev.gatehouse.postgres.protocol.PgMessages;
import dev.gatehouse.postgres.protocol.PgReaders;
import dev.gatehouse.postgres.protocol.PgRewrites;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of {@code databases.auth_query} for one user name: it takes a server connection of the
 * auth_query user's pool on the database the client asked for, as a client would (so it counts in
 * the server's budget, waits in its queue and its hold, and reuses an idle connection when there
 * is one), sends the query with the user name as its one text parameter in the extended protocol
 * (never spliced into the SQL), reads the answer and gives the connection back. Every login that
 * asks for the same user while it runs shares it ({@link AuthQuery}); nothing outlives it.
 *
 * <p>The whole run is bounded by a deadline; past it the run fails and a connection still
 * running the query is closed rather than left to it. Runs on the front door's event loop.
 */
final class AuthLookup implements PoolWaiter {

    private static final Logger log = LoggerFactory.getLogger(AuthLookup.class);

    /** What a lookup found. */
    sealed interface Result {
        /** The stored password the query returned, as the server keeps it. */
        record Found(String stored) implements Result {
            @Override
            public String toString() {
                return "Found[stored=hidden]";
            }
        }

        /** No row, or a NULL password: the user cannot log in (like a wrong password). */
        record NotFound() implements Result {}

        /** The query could not run or answered something unusable: the reason, for the log and the client. */
        record Failed(String reason) implements Result {}
    }

    private final PoolRuntime pool;
    private final String user;
    private final String query;
    private final Runnable onDone;
    private final List<Consumer<Result>> answers = new ArrayList<>();
    private ScheduledFuture<?> deadline;
    private ServerConnection connection;
    private boolean done;
    private int rows;
    private List<String> row;
    private String error;

    /**
     * @param pool the auth_query user's pool on the client's database
     * @param user the user name looked up
     * @param query the query, with {@code $1} for the name
     * @param onDone runs once when the lookup ends, before its answers
     */
    AuthLookup(PoolRuntime pool, String user, String query, Runnable onDone) {
        this.pool = pool;
        this.user = user;
        this.query = query;
        this.onDone = onDone;
    }

    /** Adds a login waiting for the answer; each is answered once, on the loop. */
    void join(Consumer<Result> answer) {
        answers.add(answer);
    }

    /** How many logins wait for the answer. */
    int joined() {
        return answers.size();
    }

    /** Starts: asks the pool for a connection; the run fails past {@code limit}. */
    void start(EventLoop loop, Duration limit) {
        deadline = loop.schedule(() -> timedOut(limit), limit.toMillis(), TimeUnit.MILLISECONDS);
        pool.acquire(this);
    }

    // ---- the pool's side

    @Override
    public void attach(ServerConnection c) {
        if (done) {
            pool.release(c);   // it came after the deadline: another waiter may use it
            return;
        }
        connection = c;
        c.runLookup(this);
    }

    @Override
    public void waitTimedOut(String serverName) {
        finish(new Result.Failed("no connection to server " + serverName + " was free within the pool's wait_timeout"));
    }

    @Override
    public void refuse(String sqlState, String reason) {
        finish(new Result.Failed(reason));
    }

    @Override
    public void serverFailed(ErrorFields reason) {
        finish(new Result.Failed("the connection as user \"" + pool.key().user() + "\" failed: " + reason.message()));
    }

    @Override
    public boolean left() {
        return done;
    }

    @Override
    public PoolRuntime pool() {
        return pool;
    }

    // ---- the connection's side

    /**
     * The messages to send: Parse, Bind (the name as text), Execute, a Close of the unnamed
     * statement (the next client of the connection finds none of ours) and Sync.
     */
    List<ByteBuf> request(ByteBufAllocator alloc) {
        return List.of(PgRewrites.parse(alloc, "", query, new int[] {0}), PgMessages.bindText(alloc, List.of(user)),
                PgMessages.executeUnnamed(alloc), PgRewrites.closeStatement(alloc, ""), PgMessages.sync(alloc));
    }

    /**
     * One answer from the server (the caller releases it).
     *
     * @return whether the answer is complete (the ReadyForQuery came)
     */
    boolean read(PgMessage m) {
        switch (m.type()) {
            case 'D' -> {
                rows++;
                if (rows == 1) {
                    try {
                        row = PgReaders.readDataRow(m);
                    } catch (RuntimeException e) {
                        error = "an unreadable row (" + e.getMessage() + ")";
                    }
                }
            }
            case 'E' -> {
                if (error == null) {
                    ErrorFields f = PgReaders.readErrorFields(m);
                    error = f.message() + " (SQLSTATE " + f.sqlState() + ")";
                }
            }
            case 'Z' -> {
                connection = null;
                finish(result());
                return true;
            }
            default -> { }   // ParseComplete, BindComplete, CommandComplete, CloseComplete, notices
        }
        return false;
    }

    /** The connection closed before the answer was complete. */
    void lost() {
        connection = null;
        finish(new Result.Failed("the server connection closed during the query" + (error == null ? "" : ": " + error)));
    }

    private Result result() {
        if (error != null) {
            return new Result.Failed("the query failed: " + error);
        }
        if (rows == 0) {
            return new Result.NotFound();
        }
        if (rows > 1) {
            return new Result.Failed("the query returned " + rows + " rows (expected: at most one)");
        }
        if (row.size() != 2) {
            return new Result.Failed("the query's row has " + row.size() + " columns (expected: 2, the user name and"
                    + " the stored password)");
        }
        return row.get(1) == null ? new Result.NotFound() : new Result.Found(row.get(1));
    }

    private void timedOut(Duration limit) {
        if (done) {
            return;
        }
        ServerConnection running = connection;
        connection = null;
        finish(new Result.Failed("no answer within " + limit.toMillis() + " ms (limits.startup_timeout)"));
        if (running != null) {
            running.close();   // a query stuck on the server keeps it at most SERVER_CLOSE_WAIT_MILLIS
        } else {
            pool.cancelWait(this);   // queued or held: out of the line
        }
    }

    private void finish(Result result) {
        if (done) {
            return;
        }
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        onDone.run();
        if (result instanceof Result.Failed f) {
            log.warn("auth_query for user \"{}\" as user \"{}\" on {} failed: {}", user, pool.key().user(),
                    pool.address(), f.reason());
        }
        for (Consumer<Result> a : answers) {
            a.accept(result);
        }
    }
}
