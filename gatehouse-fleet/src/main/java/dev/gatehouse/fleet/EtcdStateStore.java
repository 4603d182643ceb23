package dev.gatehouse.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateConflict;
import dev.gatehouse.core.state.StateOutcomeUnknown;
import dev.gatehouse.core.state.StateStore;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The fleet's runtime state in etcd, under one key, {@code <prefix>/state}: every change is one
 * transaction that writes the whole state only if the key is still at the revision the change was
 * computed from (compare-and-swap on its mod revision). Two operators racing through two nodes:
 * one wins, the other gets a {@link StateConflict} holding the state that won, and no
 * node ever sees half of a change. One key keeps every change atomic whatever it touches (pools,
 * backends, the live version and its epoch); the state is a few kilobytes, far below etcd's 1.5 MiB
 * request limit.
 *
 * <p>{@link #load()} is a linearizable read (etcd answers through its leader, after a quorum
 * confirms it still leads), so a node never starts from a state older than the last committed
 * one. {@link #watch} streams every later value in revision order. Called by the control plane
 * only, one change at a time, as {@link StateStore} says.
 */
public final class EtcdStateStore implements StateStore {

    private final Client client;
    private final String prefix;
    private final ByteSequence key;
    private final Duration timeout;
    /** The mod revision of the state this node last read or wrote; 0: the key did not exist. */
    private volatile long revision;

    /**
     * @param client  a client of the fleet's etcd cluster, closed by its owner
     * @param prefix  the fleet's key prefix, such as {@code /gatehouse/fleets/web}
     * @param timeout how long one call to etcd may take before it fails
     */
    public EtcdStateStore(Client client, String prefix, Duration timeout) {
        this.client = client;
        this.prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.key = ByteSequence.from(this.prefix + "/state", UTF_8);
        this.timeout = timeout;
    }

    @Override
    public RuntimeState load() throws IOException {
        Read r = readAtStart();
        revision = r.modRevision();
        return r.state();
    }

    /**
     * The first read of a node: a new client's first call also connects and warms up (more than
     * a second on a busy machine), so a read that times out is tried again, for up to five
     * timeouts in all; a refusal, or a value that does not read, fails at once.
     */
    private Read readAtStart() throws IOException {
        long deadline = System.nanoTime() + timeout.multipliedBy(5).toNanos();
        while (true) {
            try {
                return read();
            } catch (EtcdCalls.TimedOut e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
            }
        }
    }

    /**
     * A linearizable read of the state, leaving the state in force alone.
     *
     * @throws IOException when etcd did not answer in time or refused, or the value does not read
     */
    public Read read() throws IOException {
        GetResponse r = call(client.getKVClient().get(key), "read " + key());
        long at = r.getHeader().getRevision();
        if (r.getKvs().isEmpty()) {
            return new Read(RuntimeState.EMPTY, 0, at);
        }
        KeyValue kv = r.getKvs().get(0);
        return new Read(decode(kv), kv.getModRevision(), at);
    }

    /**
     * A state as read.
     *
     * @param state       the state (empty when the key does not exist)
     * @param modRevision the revision that wrote it, 0 when none did
     * @param atRevision  the store's revision when it was read: a watch from the next one misses nothing
     */
    public record Read(RuntimeState state, long modRevision, long atRevision) {
    }

    /**
     * Writes the state if nobody wrote another since this node last read or wrote it.
     *
     * @throws StateConflict       when another change came first; nothing is written
     * @throws StateOutcomeUnknown when etcd did not answer in time or failed: the change may apply
     */
    @Override
    public void save(RuntimeState state) throws IOException {
        long expected = revision;
        Cmp unchanged = expected == 0
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expected));
        TxnResponse r;
        try {
            r = call(client.getKVClient().txn()
                    .If(unchanged)
                    .Then(Op.put(key, ByteSequence.from(StateEnvelope.wrap(state)), PutOption.DEFAULT))
                    .Else(Op.get(key, GetOption.DEFAULT))
                    .commit(), "write " + key());
        } catch (IOException e) {
            // Sent, and perhaps committed: only a read can tell.
            throw new StateOutcomeUnknown("the change may or may not be applied: " + e.getMessage()
                    + "; read the state before trying again", e);
        }
        if (r.isSucceeded()) {
            revision = r.getHeader().getRevision();
            return;
        }
        // The revision moves on only once the node has the winning state in force (adopted):
        // a node that cannot put it in force keeps conflicting instead of writing over it.
        GetResponse now = r.getGetResponses().get(0);
        if (now.getKvs().isEmpty()) {
            throw new StateConflict(RuntimeState.EMPTY, 0, () -> revision = 0);
        }
        KeyValue kv = now.getKvs().get(0);
        RuntimeState current = decode(kv);
        long won = kv.getModRevision();
        throw new StateConflict(current, won, () -> adopted(won));
    }

    /**
     * A linearizable read of the state key (its count only): it succeeds only while etcd has a
     * leader that a quorum confirms, so it proves the state this node follows is current as of
     * when it was sent.
     *
     * @throws IOException when etcd did not answer in time or refused
     */
    public void confirm() throws IOException {
        call(client.getKVClient().get(key, GetOption.builder().withCountOnly(true).build()), "read " + key());
    }

    /** The mod revision of the state in force on this node (read, written or adopted); 0 before any. */
    public long revision() {
        return revision;
    }

    /**
     * Whether a state of {@code modRevision} from the watch is newer than the one in force. Called
     * under the control plane's lock, like {@link #save}, so no save of this node's runs between
     * this check and {@link #adopted}.
     */
    public boolean isNewer(long modRevision) {
        return modRevision > revision;
    }

    /** The state of {@code modRevision} is now in force on this node: the next save expects it. */
    public void adopted(long modRevision) {
        if (modRevision > revision) {
            revision = modRevision;
        }
    }

    /**
     * Streams every value the state key takes after {@code afterRevision}, in revision order, as
     * etcd commits them, but for those not newer than the state in force (this node's own writes).
     * A value that does not read is reported, not applied. Nothing is in force until the listener's
     * owner says so with {@link #adopted}.
     *
     * @return the watch; close it to stop
     */
    public AutoCloseable watch(long afterRevision, StateListener listener) {
        Watch.Watcher w = client.getWatchClient().watch(key,
                WatchOption.builder().withRevision(afterRevision + 1).build(),
                Watch.listener(response -> {
                    for (WatchEvent e : response.getEvents()) {
                        KeyValue kv = e.getKeyValue();
                        if (e.getEventType() == WatchEvent.EventType.DELETE) {
                            listener.rejected(kv.getModRevision(), key() + " was deleted");
                            continue;
                        }
                        if (!isNewer(kv.getModRevision())) {
                            // This node's own write coming back, or one it adopted after a lost race.
                            continue;
                        }
                        try {
                            RuntimeState state = decode(kv);
                            listener.changed(state, kv.getModRevision());
                        } catch (IOException bad) {
                            listener.rejected(kv.getModRevision(), bad.getMessage());
                        }
                    }
                }, listener::failed));
        return w::close;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public String describe() {
        return "etcd, key " + key();
    }

    private String key() {
        return prefix + "/state";
    }

    private RuntimeState decode(KeyValue kv) throws IOException {
        try {
            return StateEnvelope.unwrap(kv.getValue().getBytes());
        } catch (IOException e) {
            throw new IOException("etcd key " + key() + " (revision " + kv.getModRevision()
                    + ") is not a valid Gatehouse state: " + e.getMessage(), e);
        }
    }

    private <T> T call(CompletableFuture<T> future, String what) throws IOException {
        return EtcdCalls.await(future, timeout, what);
    }

    /** What a {@link #watch} tells; called on the client's threads, in revision order. */
    public interface StateListener {
        /** A new state was committed at {@code revision}. */
        void changed(RuntimeState state, long revision);

        /** The value committed at {@code revision} cannot be applied; the last good state stays. */
        void rejected(long revision, String why);

        /** The watch broke (the cluster unreachable past the client's retries). */
        void failed(Throwable cause);
    }
}
