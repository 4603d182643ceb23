package dev.gatehouse.postgres.extended;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One transaction-mode client's named prepared statements, and what to send a server connection
 * so that they exist there under the front door's names.
 *
 * <p>A client's Parse of a named statement is remembered under the client's name and sent to
 * its server connection under a name of the front door's ({@link ServerStatements}); when that
 * connection already has the same statement (the same query and parameter types, from this
 * client or another), no Parse is sent and the front door answers ParseComplete itself. A Bind or
 * Describe naming the statement is sent with the server's name; when the client's statement is
 * not prepared on the connection it holds now (it prepared it on another, in an earlier
 * transaction), a Parse is sent first and its answer dropped. A Close of a named statement is
 * answered by the front door (the server keeps the statement in its cache). The unnamed
 * statement goes through as it is: it lives only until the next Parse, inside one batch.
 *
 * <p>A Parse that reuses a name the client has not closed replaces that statement (PostgreSQL
 * would fail it with 42P05): the statement may exist under the front door's name on some server
 * connections and not on others, so there is no one server to ask.
 *
 * <p>Every step is registered with the {@link ResponseSequencer} of the connection, so that a
 * Parse that fails or is skipped after an error is undone here too. Not thread-safe: used on the
 * client's event loop.
 */
public final class PreparedStatements {

    /** One message for the server, in order. */
    public sealed interface ToServer {
        /** Send the client's message with its statement name replaced by {@code name} (null: as it is). */
        record Forward(String name) implements ToServer {}

        /** Send a Parse of {@code key} under {@code name}. */
        record Parse(String name, StatementKey key) implements ToServer {}

        /** Send a Close of the statement {@code name}. */
        record Close(String name) implements ToServer {}
    }

    /**
     * What to do for one client message.
     *
     * @param toServer the messages for the server, in order (possibly none)
     * @param toClient the synthetic answers to send the client now
     */
    public record Plan(List<ToServer> toServer, List<Synthetic> toClient) {}

    private final int maxStatements;
    private final int maxWeight;
    private final Map<String, StatementKey> byName = new HashMap<>();
    private int weight;

    /**
     * An empty set of statements.
     *
     * @param maxStatements the most named statements the client may keep at once
     * @param maxWeight the most bytes their query texts may take together, roughly
     */
    public PreparedStatements(int maxStatements, int maxWeight) {
        this.maxStatements = maxStatements;
        this.maxWeight = maxWeight;
    }

    /**
     * A client's Parse.
     *
     * @throws StatementLimitException when the client would keep more than its limits allow
     */
    public Plan parse(String clientName, StatementKey key, ServerStatements server, ResponseSequencer sequencer) {
        if (clientName.isEmpty()) {
            sequencer.expect(Expect.PARSE);
            return new Plan(List.of(new ToServer.Forward(null)), List.of());
        }
        StatementKey previous = byName.get(clientName);
        int newWeight = weight - (previous == null ? 0 : previous.weight()) + key.weight();
        if ((previous == null && byName.size() >= maxStatements) || newWeight > maxWeight) {
            throw new StatementLimitException("prepared statement \"" + clientName + "\" over the limit of "
                    + maxStatements + " statements or " + maxWeight + " bytes of query text per client");
        }
        put(clientName, key);
        Runnable undo = () -> restore(clientName, previous);
        String name = server.nameOf(key);
        if (name != null) {
            return new Plan(List.of(), sequencer.answer(Synthetic.PARSE_COMPLETE, undo));
        }
        List<ToServer> out = new ArrayList<>(2);
        String added = prepare(key, server, sequencer, out, false, undo);
        out.add(new ToServer.Parse(added, key));
        return new Plan(out, List.of());
    }

    /**
     * A client's Bind or Describe of a statement (not of a portal).
     *
     * @param expect {@link Expect#BIND} or {@link Expect#DESCRIBE_STATEMENT}
     */
    public Plan use(String clientName, Expect expect, ServerStatements server, ResponseSequencer sequencer) {
        StatementKey key = clientName.isEmpty() ? null : byName.get(clientName);
        if (key == null) {
            // The unnamed statement, or a name the client never prepared: the server answers
            // (26000 for the latter, with the client's own name in it).
            sequencer.expect(expect);
            return new Plan(List.of(new ToServer.Forward(null)), List.of());
        }
        List<ToServer> out = new ArrayList<>(3);
        String name = server.nameOf(key);
        if (name == null) {
            name = prepare(key, server, sequencer, out, true, () -> { });
            out.add(new ToServer.Parse(name, key));
        }
        sequencer.expect(expect);
        out.add(new ToServer.Forward(name));
        return new Plan(out, List.of());
    }

    /** A client's Close of a statement (not of a portal). */
    public Plan close(String clientName, ResponseSequencer sequencer) {
        if (clientName.isEmpty()) {
            sequencer.expect(Expect.CLOSE);
            return new Plan(List.of(new ToServer.Forward(null)), List.of());
        }
        StatementKey previous = remove(clientName);
        return new Plan(List.of(), sequencer.answer(Synthetic.CLOSE_COMPLETE, () -> restore(clientName, previous)));
    }

    /** The client's statements are all gone (its DISCARD ALL or DEALLOCATE ALL completed). */
    public void clear() {
        byName.clear();
        weight = 0;
    }

    /** How many named statements the client keeps. */
    public int size() {
        return byName.size();
    }

    /**
     * Names {@code key} on the server and registers its Parse (answered or dropped), after a
     * Close of the statement it evicts, if any.
     */
    private static String prepare(StatementKey key, ServerStatements server, ResponseSequencer sequencer,
            List<ToServer> out, boolean swallowed, Runnable undo) {
        ServerStatements.Added added = server.add(key);
        if (added.evicted() != null) {
            sequencer.swallow(Expect.CLOSE, () -> { }, () -> { });
            out.add(new ToServer.Close(added.evicted()));
        }
        Runnable failed = () -> {
            server.remove(key, added.name());
            undo.run();
        };
        if (swallowed) {
            sequencer.swallow(Expect.PARSE, () -> { }, failed);
        } else {
            sequencer.expect(Expect.PARSE, () -> { }, failed);
        }
        return added.name();
    }

    private void put(String name, StatementKey key) {
        StatementKey old = byName.put(name, key);
        weight += key.weight() - (old == null ? 0 : old.weight());
    }

    private StatementKey remove(String name) {
        StatementKey old = byName.remove(name);
        if (old != null) {
            weight -= old.weight();
        }
        return old;
    }

    private void restore(String name, StatementKey previous) {
        if (previous == null) {
            remove(name);
        } else {
            put(name, previous);
        }
    }
}
