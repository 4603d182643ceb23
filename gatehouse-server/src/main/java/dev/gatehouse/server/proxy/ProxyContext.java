package dev.gatehouse.server.proxy;

import dev.gatehouse.server.trace.SpanExport;
import dev.gatehouse.core.config.ClientAuthConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.fleet.FleetStatus;
import dev.gatehouse.core.request.RetryPolicy;
import dev.gatehouse.core.request.TargetChooser;
import dev.gatehouse.core.state.SnapshotHolder;
import dev.gatehouse.core.time.Clock;
import dev.gatehouse.core.time.WallClock;
import dev.gatehouse.server.cache.RouteCaches;
import dev.gatehouse.server.files.FileLookup;
import dev.gatehouse.server.log.AccessLog;
import dev.gatehouse.server.tls.TlsListener;
import dev.gatehouse.server.tunnel.TunnelRegistry;
import dev.gatehouse.server.upstream.UpstreamPools;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * What every client connection of one listener shares. Immutable; the moving parts (snapshot,
 * pools, connection tracking) are thread-safe objects of their own.
 *
 * @param snapshots     the node's current snapshot
 * @param listenerIndex which listener (and so which router) this is
 * @param tls           the listener's TLS, or null for a plaintext listener
 * @param upstreams     backend connection pools
 * @param rewriter      header rewriting
 * @param accessLog     the access log
 * @param connections   tracks open client connections for graceful shutdown
 * @param settings      timeouts and limits in the units the data plane uses
 * @param recorder      told about every exchange that ends (the metrics)
 * @param targets       which backends a new request may go to (sticky, canary, affinity)
 * @param retries       whether and where a failed try is retried
 * @param tunnels       the node's open tunnels (WebSockets and other upgrades)
 * @param limits        the limits on what a client controls, and their counting and logging
 * @param clock         the node's monotonic clock, the one the decisions read (deadlines are on it)
 * @param wallClock     the node's calendar clock ({@code Date}, and dates in conditional requests)
 * @param files         finds the files of static routes (the node's file cache behind it)
 * @param caches        the routes' HTTP caches
 * @param fleet         whether a pool refuses requests because this node's fleet state is stale
 * @param bodies        the node's storage for request bodies read before their slot, shared by every listener
 * @param tracing       W3C Trace Context: the {@code traceparent} passed on or started, {@code tracestate} checked
 */
public record ProxyContext(
        SnapshotHolder snapshots,
        int listenerIndex,
        TlsListener tls,
        UpstreamPools upstreams,
        HeaderRewriter rewriter,
        AccessLog accessLog,
        ClientConnections connections,
        Settings settings,
        ExchangeRecorder recorder,
        TargetChooser targets,
        RetryPolicy retries,
        TunnelRegistry tunnels,
        ClientLimits limits,
        Clock clock,
        WallClock wallClock,
        FileLookup files,
        RouteCaches caches,
        FleetGate fleet,
        RequestBodies bodies,
        TraceHeaders tracing) {

    /**
     * Builds the shared context of one listener from the configuration in force at start, with the
     * node's clocks and random source for the request decisions, and its span export (or null).
     */
    public static ProxyContext of(GatehouseConfig config, SnapshotHolder snapshots, int listenerIndex,
                                  UpstreamPools upstreams, AccessLog accessLog, ClientConnections connections,
                                  ExchangeRecorder recorder, Clock clock, WallClock wallClock, RandomGenerator random,
                                  TunnelRegistry tunnels, TlsListener tls, FileLookup files,
                                  RouteCaches caches, Supplier<FleetStatus> fleet, RequestBodies bodies,
                                  SpanExport spans) {
        return new ProxyContext(snapshots, listenerIndex, tls, upstreams,
                new HeaderRewriter(config.forwarding(), certificateClaims(config)), accessLog, connections, Settings.of(config), recorder,
                new TargetChooser(wallClock, random), new RetryPolicy(clock), tunnels,
                new ClientLimits(config.limits(), connections.perClient(), recorder, clock), clock, wallClock, files, caches,
                FleetGate.of(config.fleet(), fleet), bodies, TraceHeaders.of(config.tracing(), spans));
    }

    /** Every header name that carries a verified client certificate's subject on a listener, and the default one. */
    private static List<String> certificateClaims(GatehouseConfig config) {
        List<String> names = new ArrayList<>();
        names.add(ClientAuthConfig.DEFAULT_SUBJECT_HEADER);
        for (ListenerConfig l : config.listeners()) {
            if (l.tls() != null) {
                names.add(l.tls().clientAuth().subjectHeader());
            }
        }
        return names;
    }

    /**
     * Timeouts in nanoseconds, limits in bytes, and the request rules the data plane reads per request.
     *
     * @param clientHeader          see {@link dev.gatehouse.core.config.TimeoutsConfig}
     * @param clientIdle            idem
     * @param clientBody            idem
     * @param clientSend            idem
     * @param backendResponseHeader idem
     * @param backendIdle           idem
     * @param maxRequestBody        0 for unlimited
     * @param forwardBodyOnGetHead  see {@link dev.gatehouse.core.config.ForwardingConfig}
     * @param bufferRequest         see {@link dev.gatehouse.core.config.BodiesConfig}
     * @param bufferResponse        idem
     * @param minRequestRate        idem, bytes per second
     * @param requestDeadline       idem
     */
    public record Settings(long clientHeader, long clientIdle, long clientBody, long clientSend, long backendResponseHeader,
                           long backendIdle, long maxRequestBody, boolean forwardBodyOnGetHead, long bufferRequest,
                           long bufferResponse, long minRequestRate, long requestDeadline) {

        static Settings of(GatehouseConfig c) {
            var t = c.timeouts();
            return new Settings(t.clientHeader().toNanos(), t.clientIdle().toNanos(), t.clientBody().toNanos(), t.clientSend().toNanos(),
                    t.backendResponseHeader().toNanos(), t.backendIdle().toNanos(), c.limits().maxRequestBody(),
                    c.forwarding().forwardBodyOnGetHead(), c.bodies().bufferRequest(), c.bodies().bufferResponse(),
                    c.bodies().minRequestRate(), c.bodies().requestDeadline().toNanos());
        }
    }
}
