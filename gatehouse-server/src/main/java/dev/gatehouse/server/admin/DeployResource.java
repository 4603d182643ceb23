package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ApiInputException;
import dev.gatehouse.core.api.ApiJson;
import dev.gatehouse.core.api.DeployRequest;
import dev.gatehouse.core.api.DeployView;
import dev.gatehouse.core.api.RollbackRequest;
import dev.gatehouse.core.api.RollbackResult;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.deploy.DeployMode;
import dev.gatehouse.core.deploy.DeployPlan;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.PoolVersions;
import dev.gatehouse.core.state.Snapshot;
import dev.gatehouse.server.admin.AdminRouter.Route;
import dev.gatehouse.server.deploy.DeployStatus;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Deploys and rollbacks of a pool.
 *
 * <ul>
 *   <li>{@code POST /pools/{pool}/deploy} reads and checks the body on the event loop, then starts
 *       the deploy on a thread of its own ({@code gatehouse-deploy-<pool>}) and answers 202 at once;
 *       the deploy makes its changes through the control plane, each with its audit line.
 *   <li>{@code GET /pools/{pool}/deploy} shows the running or last deploy from its latest progress,
 *       without locks.
 *   <li>{@code POST /pools/{pool}/rollback} makes the previous version live again: a cutover on the
 *       control thread (a strict one holds requests for as long as the old version is busy, so it
 *       never runs on an event loop), answered when it is done.
 * </ul>
 * A pool runs one deploy or rollback at a time: another is a 409.
 */
final class DeployResource {

    private final AdminContext context;

    DeployResource(AdminContext context) {
        this.context = context;
    }

    /** {@code POST /pools/{pool}/deploy}: 202 with the deploy, which runs on. */
    AdminResponse deploy(Route route, AdminRequest request) {
        DeployRequest body = ApiJson.read(request.body(), DeployRequest.class);
        String version = body.versionRequired();
        List<HostPort> backends = body.addresses();
        DeployMode mode = body.modeOrDefault();
        Duration gate = body.gateTimeoutOrDefault();
        Duration hold = body.holdTimeoutOrDefault();
        Duration drain = body.drainTimeoutOrDefault();
        String pool = route.pool();
        PoolSnapshot p = pool(context.snapshots().current(), pool);
        context.deploys().checkFree(pool);
        boolean supervised = backends.isEmpty();
        if (supervised && !context.deploys().supervises(pool)) {
            throw new ApiInputException("backends", "missing (expected: the new version's backends, e.g. [\"10.0.0.21:8001\"],"
                    + " or an app named " + pool + " under apps: whose instances the deploy starts, on this node or on the"
                    + " fleet's agents)");
        }
        String from = p.liveVersion();
        if (from == null && supervised && p.members().isEmpty()) {
            from = ""; // a supervised app's first deploy: nothing runs yet
        }
        if (from == null) {
            throw new ApiInputException("pool", pool + " has no live version: its backends carry several versions (or none)"
                    + " and no cutover chose one yet (expected: a pool with one live version to deploy over)");
        }
        if (from.equals(version)) {
            throw new ApiInputException("version", "\"" + version + "\" is live already in pool " + pool
                    + " (expected: a version other than the live one)");
        }
        for (HostPort address : backends) {
            Member m = member(p, address);
            if (m != null && !m.backend().version().equals(version)) {
                throw new ApiInputException("backends", "\"" + address + "\" is in pool " + pool + " with version "
                        + m.backend().version() + " (expected: backends not in the pool yet, or registered with version "
                        + version + ")");
            }
        }
        // A supervised deploy learns its backends when the instances start; the plan is sized then.
        int size = supervised ? Math.max(1, context.deploys().supervisedSize(pool)) : backends.size();
        int quorum = body.quorumOf(size);
        DeployPlan plan = new DeployPlan(pool, from, version, mode, size, quorum, body.warmupOrDefault(), gate, hold, drain);
        DeployStatus started = context.deploys().start(request.who(), plan, backends);
        request.reachedControl();
        AdminAudit.started(request.who(), "deploy " + version + " to pool " + pool + " (" + mode.apiName() + ", backends "
                        + backends + ", quorum " + quorum + ", gate timeout " + gate.toMillis() + " ms, hold timeout "
                        + hold.toMillis() + " ms, drain timeout " + drain.toMillis() + " ms)",
                "replacing " + from + "; each change it makes has a line of its own");
        return AdminResponse.json(HttpResponseStatus.ACCEPTED, view(started), HttpHeaderNames.LOCATION.toString(),
                "/api/v1/pools/" + pool + "/deploy");
    }

    /** {@code GET /pools/{pool}/deploy}: 200 with the running or last deploy, 404 without one. */
    AdminResponse status(String pool) {
        pool(context.snapshots().current(), pool);
        DeployStatus status = context.deploys().status(pool);
        if (status == null) {
            throw AdminProblem.notFound("no deploy in pool " + pool + " since the node started"
                    + " (expected: POST /api/v1/pools/" + pool + "/deploy first)", null);
        }
        return AdminResponse.json(HttpResponseStatus.OK, view(status));
    }

    /** {@code POST /pools/{pool}/rollback}: 200 with the version live again, once the cutover is done. */
    CompletableFuture<AdminResponse> rollback(Route route, AdminRequest request) {
        RollbackRequest body = ApiJson.read(request.body(), RollbackRequest.class);
        DeployMode mode = body.modeOrDefault();
        Duration hold = body.holdTimeoutOrDefault();
        String pool = route.pool();
        pool(context.snapshots().current(), pool);
        context.deploys().checkFree(pool);
        return context.executor().submit(() -> context.deploys().exclusively(pool, "a rollback", () -> {
            // Checked here, with the pool taken: nothing changes its versions until the cutover.
            String previous = rollbackTarget(pool(context.snapshots().current(), pool));
            request.reachedControl();
            Snapshot after;
            try {
                after = context.control().cutover(request.who(), pool, previous, mode == DeployMode.STRICT, hold);
            } catch (ChangeRejected e) {
                if (e.field().equals("hold_timeout")) {
                    throw AdminProblem.conflict("rollback of pool " + pool + " to " + previous + " aborted, nothing changed: "
                            + e.getMessage().substring("hold_timeout: ".length()));
                }
                throw e;
            } catch (IOException e) {
                throw new StateNotSaved(e);
            }
            PoolSnapshot now = after.pool(pool);
            return AdminResponse.json(HttpResponseStatus.OK, new RollbackResult(pool, now.liveVersion(), now.epoch()));
        }));
    }

    /** The version a rollback goes back to, or 409: none, or none of its backends left. */
    private static String rollbackTarget(PoolSnapshot p) {
        PoolVersions versions = p.versions();
        String previous = versions == null ? null : versions.previous();
        if (previous == null) {
            throw AdminProblem.conflict("pool " + p.name() + " has no previous version to go back to"
                    + " (expected: a pool whose live version was changed at least once)");
        }
        for (Member m : p.members()) {
            if (m.backend().version().equals(previous)) {
                return previous;
            }
        }
        throw AdminProblem.conflict(previous + ", the previous version of pool " + p.name() + ", has no backend in the pool"
                + " any more: a completed deploy retires the old version's backends (expected: register them again with"
                + " POST /api/v1/pools/" + p.name() + "/backends and version " + previous + ", then roll back; or deploy "
                + previous + ")");
    }

    private static PoolSnapshot pool(Snapshot s, String name) {
        PoolSnapshot p = s.pool(name);
        if (p == null) {
            throw AdminProblem.notFound("pool \"" + name + "\" not found (expected: one of " + s.pools().keySet() + ")", "pool");
        }
        return p;
    }

    private static Member member(PoolSnapshot p, HostPort address) {
        for (Member m : p.members()) {
            if (m.backend().address().equals(address)) {
                return m;
            }
        }
        return null;
    }

    /** The API's view of a deploy's status, with its timeline. */
    static DeployView view(DeployStatus s) {
        DeployPlan plan = s.plan();
        return DeployView.of(plan.pool(), plan.fromVersion(), plan.toVersion(), plan.mode(), plan.newBackends(), s.phase(),
                s.epoch(), s.switched(), s.startedAt(), s.endedAt(), s.steps());
    }
}
