package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.extended.Expect;
import dev.gatehouse.postgres.extended.PreparedStatements;
import dev.gatehouse.postgres.extended.ResponseSequencer;
import dev.gatehouse.postgres.extended.StatementKey;
import dev.gatehouse.postgres.extended.StatementLimitException;
import dev.gatehouse.postgres.protocol.Bind;
import dev.gatehouse.postgres.protocol.Parse;
import dev.gatehouse.postgres.protocol.PgMessage;
import dev.gatehouse.postgres.protocol.PgProtocolException;
import dev.gatehouse.postgres.protocol.PgReaders;
import dev.gatehouse.postgres.protocol.PgRewrites;
import dev.gatehouse.postgres.protocol.PortalOrStatement;
import dev.gatehouse.postgres.session.SessionState;
import io.netty.buffer.ByteBufAllocator;

/**
 * Transaction mode, one client: what each of its messages becomes on the server connection it
 * holds. Queries and Parse texts are watched for session state; named statements are renamed to
 * the connection's own names (prepared there first when missing, answered by the front door
 * when already there); every message sent is registered with the {@link ResponseSequencer}, so
 * each answer finds its way and the connection is released only when nothing is pending.
 */
final class TransactionRouter {

    /** Prepared statements a client may keep, and the bytes of their query texts. */
    private static final int MAX_STATEMENTS = 10_000;
    private static final int MAX_STATEMENT_BYTES = 64 << 20;

    private final ClientSession session;
    private final boolean rejectState;
    private final SessionState state = new SessionState();
    private final PreparedStatements prepared = new PreparedStatements(MAX_STATEMENTS, MAX_STATEMENT_BYTES);
    private final ResponseSequencer sequencer = new ResponseSequencer();

    TransactionRouter(ClientSession session, boolean rejectState) {
        this.session = session;
        this.rejectState = rejectState;
    }

    ResponseSequencer sequencer() {
        return sequencer;
    }

    /** The kinds of session state that pin the client now (for the views). */
    java.util.Set<dev.gatehouse.postgres.session.PinReason> pinReasons() {
        return state.reasons();
    }

    /** Whether the client left session state that keeps it on its connection. */
    boolean pinned() {
        return state.pinned();
    }

    /** Sends {@code m} (taken over) to {@code server} as it must go there. */
    void route(PgMessage m, ServerConnection server) {
        try {
            switch (m.type()) {
                case 'Q' -> query(m, server);
                case 'P' -> parse(m, server);
                case 'B' -> bind(m, server);
                case 'D' -> describe(m, server);
                case 'C' -> close(m, server);
                case 'E' -> send(m, server, Expect.EXECUTE);
                case 'S' -> send(m, server, Expect.SYNC);
                case 'F' -> send(m, server, Expect.QUERY);
                case 'H', 'd', 'c', 'f' -> server.write(m.frame());   // Flush, and COPY data from the client
                default -> {
                    char type = m.type();
                    m.release();
                    session.fatal("08P01", "unexpected message type '" + type + "' after the login");
                }
            }
        } catch (StatementLimitException e) {
            session.fatal("54000", e.getMessage());
        } catch (PgProtocolException e) {
            // Each reader runs first in its case, before m is released or sent: it is still ours.
            // Handled here rather than thrown: route also runs from attach, where a throw would
            // reach the server connection's handler and leave the client's queued messages.
            m.release();
            session.fatal(e.sqlState(), e.getMessage());
        }
    }

    private void send(PgMessage m, ServerConnection server, Expect expect) {
        sequencer.expect(expect);
        server.write(m.frame());
    }

    private void query(PgMessage m, ServerConnection server) {
        boolean drops = state.apply(PgReaders.querySql(m));
        if (!rejected(m)) {
            sequencer.expect(Expect.QUERY, drops ? () -> forgetStatements(server) : () -> { }, () -> { });
            server.write(m.frame());
        }
    }

    private void parse(PgMessage m, ServerConnection server) {
        Parse p = PgReaders.readParse(m);
        boolean drops = state.apply(p.query());
        if (rejected(m)) {
            return;
        }
        if (p.unnamed() || drops) {
            // A DISCARD ALL through the extended protocol runs at its Execute, in the same batch.
            sequencer.expect(Expect.PARSE, drops ? () -> forgetStatements(server) : () -> { }, () -> { });
            server.write(m.frame());
            return;
        }
        StatementKey key = new StatementKey(p.query(), p.parameterTypes());
        m.release();
        carryOut(prepared.parse(p.statement(), key, server.statements(), sequencer), null, server);
    }

    /** The server dropped its prepared statements: the front door's names for them are gone too. */
    private void forgetStatements(ServerConnection server) {
        server.statements().clear();
        prepared.clear();
    }

    /**
     * Under the reject policy, refuses a client the last statement would pin (releasing
     * {@code m}) and says so.
     */
    private boolean rejected(PgMessage m) {
        if (rejectState && state.pinned()) {
            m.release();
            session.fatal("0A000", "session state (" + state.reasons() + ") is not allowed on pool "
                    + session.pool().key() + " (session_state: reject); use session mode, or SET LOCAL");
            return true;
        }
        return false;
    }

    private void bind(PgMessage m, ServerConnection server) {
        Bind b = PgReaders.readBind(m);
        carryOut(prepared.use(b.statement(), Expect.BIND, server.statements(), sequencer), m, server);
    }

    private void describe(PgMessage m, ServerConnection server) {
        PortalOrStatement d = PgReaders.readDescribe(m);
        if (d.kind() == PortalOrStatement.Kind.PORTAL) {
            send(m, server, Expect.DESCRIBE_PORTAL);
        } else {
            carryOut(prepared.use(d.name(), Expect.DESCRIBE_STATEMENT, server.statements(), sequencer), m, server);
        }
    }

    private void close(PgMessage m, ServerConnection server) {
        PortalOrStatement c = PgReaders.readClose(m);
        if (c.kind() == PortalOrStatement.Kind.PORTAL) {
            send(m, server, Expect.CLOSE);
        } else {
            carryOut(prepared.close(c.name(), sequencer), m, server);
        }
    }

    /** Sends a plan's messages; {@code original} is the client's message, forwarded or released. */
    private void carryOut(PreparedStatements.Plan plan, PgMessage original, ServerConnection server) {
        ByteBufAllocator alloc = session.ctx().alloc();
        boolean forwarded = false;
        for (PreparedStatements.ToServer out : plan.toServer()) {
            switch (out) {
                case PreparedStatements.ToServer.Parse p -> server.write(PgRewrites.parse(alloc, p.name(),
                        p.key().query(), p.key().parameterTypes()));
                case PreparedStatements.ToServer.Close c -> server.write(PgRewrites.closeStatement(alloc, c.name()));
                case PreparedStatements.ToServer.Forward f -> {
                    forwarded = true;
                    if (f.name() == null) {
                        server.write(original.frame());
                    } else {
                        server.write(original.type() == 'B' ? PgRewrites.renameBind(alloc, original, f.name())
                                : PgRewrites.renameStatement(alloc, original, f.name()));
                        original.release();
                    }
                }
            }
        }
        if (!forwarded && original != null) {
            original.release();
        }
        session.writeSynthetic(plan.toClient());
    }
}
