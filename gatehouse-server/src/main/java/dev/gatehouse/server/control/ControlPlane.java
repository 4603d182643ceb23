package dev.gatehouse.server.control;

import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.discovery.Discovered;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.state.StateConflict;
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.time.WallClock;
import dev.gatehouse.core.tunnel.OldVersions;
import dev.gatehouse.core.tunnel.TunnelCounts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a node's routing state changes: runtime changes (add, remove, weight, drain, ...)
 * and config reloads. Each change is validated whole (a rejected change changes nothing), written
 * to the state store, then published as one snapshot swap, after which every listener is told
 * (health checks, metrics) and every event loop has passed a barrier, so that no request picks a
 * backend by the old state once a change has returned. Every change, applied or not, is one line
 * on the {@code gatehouse.audit} logger: who, what, result.
 *
 * <p>Threading: changes are serialized (synchronized) and block (a file is forced to disk, event
 * loops are waited for): never call them on an event loop.
 */
public final class ControlPlane {

    /** Open tunnels per (pool, version): a strict hold does not wait for those that keep a slot. */
    private volatile TunnelCounts openTunnels = TunnelCounts.NONE;
    /** A fleet's strict cutover, once the node joined one; null on a node of its own. */
    private volatile FleetCutover fleetCutover;

        private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);

    private final SnapshotHolder snapshots;
    private final StateStore store;
    private final Clock clock;
    private final WallClock wallClock;
    private final RandomGenerator random;
    private final Runnable loopBarrier;
    private final List<Runnable> checks = new CopyOnWriteArrayList<>();
    private final List<Consumer<Snapshot>> preparers = new CopyOnWriteArrayList<>();
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Function<GatehouseConfig, Runnable>> reloadSteps = new CopyOnWriteArrayList<>();
    private GatehouseConfig config;
    private RuntimeState state;
    /** Per pool, the backends its DNS names resolve to now (see {@link #discovered}); guarded by this. */
    private Map<String, List<BackendConfig>> discovered = Map.of();
    /** {@link #config()} as last built, and the three values it was built from; guarded by this. */
    private GatehouseConfig effective;
    private GatehouseConfig effectiveFrom;
    private RuntimeState effectiveState;
    private Map<String, List<BackendConfig>> effectiveFound;

    /**
     * @param snapshots   the holder the data plane reads; its current snapshot must be built from
     *                    {@code config} and {@code state}
     * @param config      the configuration in force (the intent)
     * @param state       the runtime changes in force, as loaded from {@code store}
     * @param store       where runtime changes are kept
     * @param loopBarrier returns once every event loop has finished what it was doing
     */
    public ControlPlane(SnapshotHolder snapshots, GatehouseConfig config, RuntimeState state, StateStore store, Clock clock,
                        WallClock wallClock, RandomGenerator random, Runnable loopBarrier) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.config = Objects.requireNonNull(config, "config");
        this.state = Objects.requireNonNull(state, "state");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.wallClock = Objects.requireNonNull(wallClock, "wallClock");
        this.random = Objects.requireNonNull(random, "random");
        this.loopBarrier = Objects.requireNonNull(loopBarrier, "loopBarrier");
    }

    /**
     * Registers a check of the calling thread, run first by every change and reload: it throws to
     * refuse the call (on an event loop, for instance), before anything is saved or published.
     */
    public void beforeChange(Runnable check) {
        checks.add(Objects.requireNonNull(check, "check"));
    }

    /**
     * Registers work to do with every snapshot before it is published, on the changing thread
     * (resolving new backend names, for instance); it must not fail.
     */
    public void beforePublish(Consumer<Snapshot> preparer) {
        preparers.add(Objects.requireNonNull(preparer, "preparer"));
    }

    /** Registers a listener told of every published snapshot, after the swap, on the changing thread. */
    public void onPublish(Consumer<Snapshot> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Registers a part of every reload done outside the snapshot (the listeners' TLS files): called
     * with the configuration about to apply, after it was checked and before anything changed, it
     * reads what it needs and returns what to install once the snapshot is published; it throws
     * {@link ChangeRejected} to refuse the reload, and then nothing changes.
     */
    public void beforeReload(java.util.function.Function<GatehouseConfig, Runnable> step) {
        reloadSteps.add(Objects.requireNonNull(step, "step"));
    }

    /**
     * The configuration in force (the intent, as last loaded or reloaded), with the backends its
     * pools' DNS names resolve to now added to their declared ones.
     */
    public synchronized GatehouseConfig config() {
        // Built again only when one of its three inputs was replaced: callers poll it (discovery,
        // agents, deploys), and with found backends each build copies and validates every pool.
        if (effective == null || effectiveFrom != config || effectiveState != state || effectiveFound != discovered) {
            effective = Discovered.apply(config, discovered, state);
            effectiveFrom = config;
            effectiveState = state;
            effectiveFound = discovered;
        }
        return effective;
    }

    /**
     * Puts in force what a pool's DNS names resolve to now: one snapshot swap, nothing saved (each
     * node resolves for itself). A backend that is gone from the answers leaves the pool as a
     * removed one does: requests in flight to it finish.
     *
     * @param backends every backend of the pool's {@code discover} names, in a stable order
     * @return whether anything changed
     */
    public synchronized boolean discovered(String pool, List<BackendConfig> backends) {
        if (!config.pools().containsKey(pool)) {
            // A pool a reload removed: forget what it found, or a pool of the same name added later would get it.
            Map<String, List<BackendConfig>> rest = new java.util.LinkedHashMap<>(discovered);
            rest.remove(pool);
            discovered = Map.copyOf(rest);
            return false;
        }
        if (backends.equals(discovered.getOrDefault(pool, List.of()))) {
            return false;
        }
        Map<String, List<BackendConfig>> next = new java.util.LinkedHashMap<>(discovered);
        next.put(pool, List.copyOf(backends));
        Map<String, List<BackendConfig>> before = discovered;
        discovered = Map.copyOf(next);
        Snapshot snapshot;
        try {
            snapshot = build(config, state);
        } catch (ChangeRejected | IllegalArgumentException e) {
            discovered = before;
            LOG.warn("pool {}: the backends found in DNS do not apply: {}", pool, e.getMessage());
            return false;
        }
        publish(snapshot);
        LOG.info("pool {}: DNS discovery: {} backends {}", pool, backends.size(),
                backends.stream().map(b -> b.address().toString()).toList());
        return true;
    }

    /** The runtime changes in force. */
    public synchronized RuntimeState state() {
        return state;
    }

    /** Where runtime changes are kept. */
    public String store() {
        return store.describe();
    }

    /**
     * Makes one runtime change.
     *
     * @param who    who asks, for the audit log (e.g. {@code admin-api 127.0.0.1})
     * @param what   the change in words, for the audit log (e.g. {@code drain web 10.0.0.1:8001})
     * @param change the change, from the current state to the next; throws {@link ChangeRejected}
     *               for input that cannot apply
     * @return the snapshot now in force
     * @throws ChangeRejected when the change is invalid; nothing changed
     * @throws IOException    when the state could not be saved; nothing changed
     */
    public synchronized Snapshot change(String who, String what, UnaryOperator<RuntimeState> change) throws IOException {
        checks.forEach(Runnable::run);
        RuntimeState next;
        Snapshot snapshot;
        try {
            next = change.apply(state);
            snapshot = build(config, next);
        } catch (ChangeRejected e) {
            AuditLog.write(who, what, "rejected: " + e.getMessage());
            throw e;
        } catch (IllegalArgumentException e) {
            AuditLog.write(who, what, "rejected: " + e.getMessage());
            throw new ChangeRejected("change", e.getMessage());
        }
        try {
            store.save(next);
        } catch (StateConflict e) {
            AuditLog.write(who, what, "refused: " + e.getMessage());
            adopt("fleet (the change that won)", e.current(), () -> true, e::adopted);
            throw e;
        } catch (IOException e) {
            AuditLog.write(who, what, "failed: the state could not be saved: " + e.getMessage());
            throw e;
        }
        state = next;
        publish(snapshot);
        AuditLog.write(who, what, "applied (revision " + next.revision() + ")");
        return snapshot;
    }

    /**
     * Makes one change computed by a program (a deploy, a fleet cutover) rather than asked by an
     * operator: when another node's change came first ({@link StateConflict}), that one is put in
     * force and {@code change} is applied again to it, up to five times; {@code change} checks what
     * it needs of the state and throws {@link ChangeRejected} when it no longer applies.
     *
     * @throws StateConflict when five tries in a row lost their race
     */
    public Snapshot changeRetrying(String who, String what, UnaryOperator<RuntimeState> change) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return change(who, what, change);
            } catch (StateConflict e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /**
     * Puts in force a state another node wrote to the shared store (a fleet's watch, or the change
     * that won a race against this node's): one snapshot swap, nothing saved. Under the control
     * plane's lock, so that no save of this node's runs in between, {@code newer} says whether the
     * state is still newer than the one in force (this node may have saved a later one since), and
     * {@code adopted} tells the store it now is in force. A state equal to the one in force changes
     * nothing. A state that does not fit this node's configuration is refused and logged, the
     * current one stays, and {@code adopted} is not called (the store then refuses this node's saves).
     *
     * @param who where it comes from, for the audit log
     * @return whether the state in force changed
     */
    public synchronized boolean adopt(String who, RuntimeState next, java.util.function.BooleanSupplier newer, Runnable adopted) {
        if (!newer.getAsBoolean()) {
            return false;
        }
        if (next.equals(state)) {
            adopted.run();
            return false;
        }
        String what = "adopt runtime state revision " + next.revision();
        Snapshot snapshot;
        try {
            snapshot = build(config, next);
        } catch (ChangeRejected | IllegalArgumentException e) {
            AuditLog.write(who, what, "refused: it does not fit this node's configuration: " + e.getMessage());
            return false;
        }
        state = next;
        publish(snapshot);
        adopted.run();
        AuditLog.write(who, what, "applied");
        return true;
    }

    /**
     * Makes {@code version} the live version of {@code pool}: one snapshot swap with the next epoch.
     *
     * <p>Fast: the swap happens now; requests in flight on the old version finish. Strict: the
     * pool's admission holds every new request (and those already queued), retries are refused,
     * and the swap happens only once no request of another version is in flight; then the held
     * requests are released to the new version. So no old-version request starts after the first
     * new-version one, and the two never run at the same time. If the old version is not idle
     * within {@code holdTimeout}, the held requests are released to the old version and nothing
     * changed for clients; the same when the calling thread is interrupted during the hold.
     *
     * @throws ChangeRejected when the version cannot go live (unknown pool, no backend of that
     *                        version, live already) or a strict hold timed out or was interrupted
     *                        (field {@code hold_timeout}); nothing changed
     * @throws IOException    when the state could not be saved; nothing changed
     */
    public Snapshot cutover(String who, String pool, String version, boolean strict, java.time.Duration holdTimeout)
            throws IOException {
        checks.forEach(Runnable::run);
        FleetCutover fleet = fleetCutover;
        if (strict && fleet != null) {
            // Not under this lock: the fleet's states must go on being put in force during the fence.
            return fleet.cutover(who, pool, version, holdTimeout);
        }
        return localCutover(who, pool, version, strict, holdTimeout);
    }

    /**
     * How a node of a fleet makes a strict cutover: fenced on every node, see
     * {@link #strictCutoverBy}.
     */
    @FunctionalInterface
    public interface FleetCutover {
        /** Like {@link ControlPlane#cutover}, strict, across the fleet; blocks until it ends. */
        Snapshot cutover(String who, String pool, String version, java.time.Duration holdTimeout) throws IOException;
    }

    /** From now on a strict {@link #cutover} is {@code fleet}'s: every node of the fleet holds and drains. */
    public void strictCutoverBy(FleetCutover fleet) {
        this.fleetCutover = Objects.requireNonNull(fleet, "fleet");
    }

    private synchronized Snapshot localCutover(String who, String pool, String version, boolean strict,
                                               java.time.Duration holdTimeout) throws IOException {
        String what = "cutover " + pool + " to " + version + (strict ? " (strict)" : " (fast)");
        long affinityUntil = strict ? 0 : affinityUntil(pool);
        UnaryOperator<RuntimeState> live = s -> RuntimeChanges.live(s, config(), pool, version, affinityUntil);
        if (!strict) {
            return change(who, what, live);
        }
        try {
            build(config, live.apply(state));
        } catch (ChangeRejected | IllegalArgumentException e) {
            AuditLog.write(who, what, "rejected: " + e.getMessage());
            throw e instanceof ChangeRejected c ? c : new ChangeRejected("change", e.getMessage());
        }
        var before = snapshots.current().pool(pool);
        before.admission().hold();
        boolean released = false;
        try {
            long deadline = clock.nanoTime() + holdTimeout.toNanos();
            int busy;
            while ((busy = OldVersions.requestsInFlight(before, version, openTunnels)) > 0) {
                // An interrupt (the node stopping) ends the hold at once, as its timeout would.
                boolean interrupted = Thread.currentThread().isInterrupted();
                if (interrupted || clock.nanoTime() >= deadline) {
                    released = true;
                    int held = before.admission().release(before.available(), before.balancer());
                    String why = (interrupted ? "the hold was interrupted (the node is stopping)"
                            : "the hold timed out after " + holdTimeout.toMillis() + " ms") + " with " + busy
                            + " requests of other versions in flight; " + held + " held requests went to them";
                    AuditLog.write(who, what, "aborted: " + why);
                    throw new ChangeRejected("hold_timeout", why);
                }
                // The control thread polls (1 ms) rather than hooking every request's end: a hold
                // lasts as long as the slowest old request, and nothing else waits on this thread.
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            }
            Snapshot after = change(who, what, live);
            var p = after.pool(pool);
            released = true;
            p.admission().release(p.available(), p.balancer());
            return after;
        } finally {
            if (!released) {
                // Saving failed, or worse: the old version keeps serving, and the held go to it.
                before.admission().release(before.available(), before.balancer());
            }
        }
    }

    /**
     * Makes {@code version} live in one change, as a deploy's switch does (a strict deploy holds
     * and waits itself, see {@link dev.gatehouse.core.deploy.Deployment}): after a fast switch,
     * clients of the previous version keep it for the pool's {@code sticky.version_affinity}.
     */
    public synchronized Snapshot publishLive(String who, String pool, String version, boolean strict) throws IOException {
        long affinityUntil = strict ? 0 : affinityUntil(pool);
        return change(who, "cutover " + pool + " to " + version + (strict ? " (strict)" : " (fast)"),
                s -> RuntimeChanges.live(s, config(), pool, version, affinityUntil));
    }

    /**
     * Sends {@code percent} of the pool's new requests to a registered version beside the live one;
     * 0 ends the canary. One change, like any other.
     *
     * @throws ChangeRejected for an unknown pool or version, the live version, or a share out of 1-99
     */
    public Snapshot canary(String who, String pool, String version, int percent) throws IOException {
        return change(who, percent == 0 ? "end the canary of pool " + pool
                        : "canary " + version + " at " + percent + " % in pool " + pool,
                s -> RuntimeChanges.canary(s, config(), pool, version, percent));
    }

    /** When version affinity ends for a fast cutover now, epoch seconds; 0 when the pool has none. */
    private long affinityUntil(String pool) {
        var p = config.pools().get(pool);
        if (p == null || p.sticky() == null || p.sticky().versionAffinity().isZero()) {
            return 0;
        }
        // Rounded up to the next whole second: the window is never shorter than asked.
        return wallClock.epochSeconds() + Math.max(1, p.sticky().versionAffinity().toSeconds()) + 1;
    }

    /** Tells the control plane how to count a pool's open tunnels of a version (none until told). */
    public void openTunnels(TunnelCounts counter) {
        this.openTunnels = java.util.Objects.requireNonNull(counter, "counter");
    }

    /**
     * Applies an edited configuration: routes and pools (backends, policies) change at once,
     * keeping every connection and, where a pool's policies are unchanged, its balancer, queue and
     * health; runtime changes stay on top (those to pools that are gone are dropped). Listeners,
     * timeouts, limits, upstream pooling, forwarding, the access log and the admin listener are
     * kept as they are until a restart: the result lists such differences.
     *
     * @return notes on what the reload did not apply (empty when it applied everything)
     * @throws ChangeRejected when the configuration cannot apply; nothing changed
     * @throws IOException    when the reconciled state could not be saved; nothing changed
     */
    public synchronized List<String> reload(GatehouseConfig edited, String who) throws IOException {
        checks.forEach(Runnable::run);
        List<String> notes = new ArrayList<>();
        GatehouseConfig applied;
        try {
            applied = ReloadScope.applied(config, edited, notes);
        } catch (IllegalArgumentException e) {
            AuditLog.write(who, "reload", "rejected: " + e.getMessage());
            throw new ChangeRejected("config", e.getMessage());
        }
        RuntimeState next = RuntimeChanges.reconcile(state, Discovered.apply(applied, discovered, state));
        Snapshot snapshot;
        try {
            snapshot = build(applied, next);
        } catch (IllegalArgumentException | ChangeRejected e) {
            AuditLog.write(who, "reload", "rejected: " + e.getMessage());
            throw new ChangeRejected("config", e.getMessage());
        }
        List<Runnable> installs = new ArrayList<>();
        try {
            for (var step : reloadSteps) {
                installs.add(step.apply(applied));
            }
        } catch (ChangeRejected e) {
            AuditLog.write(who, "reload", "rejected: " + e.getMessage());
            throw e;
        }
        if (!next.equals(state)) {
            try {
                store.save(next);
            } catch (StateConflict e) {
                AuditLog.write(who, "reload", "refused: " + e.getMessage());
                adopt("fleet (the change that won)", e.current(), () -> true, e::adopted);
                throw e;
            } catch (IOException e) {
                AuditLog.write(who, "reload", "failed: the state could not be saved: " + e.getMessage());
                throw e;
            }
        }
        config = applied;
        state = next;
        publish(snapshot);
        installs.forEach(Runnable::run);
        AuditLog.write(who, "reload", "applied" + (notes.isEmpty() ? "" : " except: " + String.join("; ", notes)));
        return notes;
    }


    private Snapshot build(GatehouseConfig c, RuntimeState s) {
        Snapshot current = snapshots.current();
        return Snapshot.next(current, current.generation() + 1, Discovered.apply(c, discovered, s), s, clock, wallClock, random);
    }

    private void publish(Snapshot snapshot) {
        for (Consumer<Snapshot> p : preparers) {
            p.accept(snapshot);
        }
        snapshots.update(previous -> snapshot);
        snapshot.activate();
        for (Consumer<Snapshot> l : listeners) {
            try {
                l.accept(snapshot);
            } catch (RuntimeException e) {
                LOG.warn("a listener of snapshot {} failed: {}", snapshot.generation(), e.toString(), e);
            }
        }
        loopBarrier.run();
    }
}
