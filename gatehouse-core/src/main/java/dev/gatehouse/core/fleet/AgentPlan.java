package dev.gatehouse.core.fleet;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.DeployRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What an agent does next for one of its apps, decided from the fleet's state and what runs on its
 * machine; no I/O. The agent runs the versions the fleet wants of the app (the live one, and the
 * target of a deploy under way), registers their instances in the pool of the app's name once they
 * accept connections, and stops a version only once none of its instances is registered any more:
 * retiring the old version from the pool is the deploy's job (after its cutover and drain), so an
 * agent never takes away a backend a balancer may still send requests to, except one left behind
 * by a deploy that ended without retiring it.
 *
 * @param start      versions to start
 * @param stop       versions to stop
 * @param register   addresses to register, with their version
 * @param unregister addresses of this agent to take out of the pool
 */
public record AgentPlan(List<String> start, List<String> stop, Map<HostPort, String> register, List<HostPort> unregister) {

    /** Copies. */
    public AgentPlan {
        start = List.copyOf(start);
        stop = List.copyOf(stop);
        register = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(register));
        unregister = List.copyOf(unregister);
    }

    /** Whether there is nothing to do. */
    public boolean idle() {
        return start.isEmpty() && stop.isEmpty() && register.isEmpty() && unregister.isEmpty();
    }

    /**
     * Decides.
     *
     * @param live       the pool's live version, or null (never deployed)
     * @param deploy     the pool's deploy record, or null
     * @param running    per version running on this agent (an instance not stopped for good): the
     *                   addresses of its instances as the balancers reach them
     * @param accepting  of those, the addresses that accept connections now
     * @param registered this agent's entries in the pool (address to version): those on its
     *                   advertised host in its app's port range
     */
    public static AgentPlan decide(String live, DeployRecord deploy, Map<String, Set<HostPort>> running,
                                   Set<HostPort> accepting, Map<HostPort, String> registered) {
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(accepting, "accepting");
        Objects.requireNonNull(registered, "registered");
        boolean deploying = deploy != null && deploy.status() == DeployRecord.Status.RUNNING;
        Set<String> wanted = new LinkedHashSet<>();
        if (live != null) {
            wanted.add(live);
        }
        if (deploying) {
            wanted.add(deploy.to());
        }
        List<String> start = new ArrayList<>();
        for (String v : wanted) {
            if (!running.containsKey(v)) {
                start.add(v);
            }
        }
        Map<HostPort, String> register = new LinkedHashMap<>();
        for (String v : wanted) {
            for (HostPort a : running.getOrDefault(v, Set.of())) {
                if (accepting.contains(a) && !v.equals(registered.get(a))) {
                    register.put(a, v);
                }
            }
        }
        List<HostPort> unregister = new ArrayList<>();
        Set<String> stillRegistered = new LinkedHashSet<>();
        for (Map.Entry<HostPort, String> e : registered.entrySet()) {
            String v = e.getValue();
            boolean mine = running.getOrDefault(v, Set.of()).contains(e.getKey());
            if (register.containsKey(e.getKey())) {
                // Registered with another version: the new registration replaces it.
                continue;
            }
            if (!mine) {
                // Nothing of this agent answers there (an earlier run of it, or a version it stopped).
                // One of a version it serves goes only once that version's instances here are all
                // registered: a restarted agent never empties the pool before its new instances serve.
                if (!wanted.contains(v) || allRegistered(running.getOrDefault(v, Set.of()), v, registered, register)) {
                    unregister.add(e.getKey());
                } else {
                    stillRegistered.add(v);
                }
            } else if (!wanted.contains(v) && !deploying) {
                // A version nobody wants that no deploy will retire (its deploy ended without it).
                unregister.add(e.getKey());
            } else {
                stillRegistered.add(v);
            }
        }
        List<String> stop = new ArrayList<>();
        for (String v : running.keySet()) {
            if (!wanted.contains(v) && !stillRegistered.contains(v) && !unregisterPending(v, registered, unregister)) {
                stop.add(v);
            }
        }
        return new AgentPlan(start, stop, register, unregister);
    }

    /** Whether every one of {@code addresses} is registered with {@code v}, now or by this plan. */
    private static boolean allRegistered(Set<HostPort> addresses, String v, Map<HostPort, String> registered,
                                         Map<HostPort, String> register) {
        return !addresses.isEmpty() && addresses.stream().allMatch(a -> v.equals(registered.get(a)) || v.equals(register.get(a)));
    }

    /** Whether an entry of {@code v} is about to be taken out: the version stops only at the next look. */
    private static boolean unregisterPending(String v, Map<HostPort, String> registered, List<HostPort> unregister) {
        return unregister.stream().anyMatch(a -> v.equals(registered.get(a)));
    }

    /**
     * How many instances of an app the fleet's agents start for a deploy: the sum of the app's
     * {@code instances} over the agents that run it and heartbeat. An agent silent for
     * {@code silentAfterMillis} is not counted (it is gone, or cut off; a deploy does not wait for it).
     *
     * @param view the fleet's members
     * @param app  the app, named like its pool
     */
    public static int expectedInstances(FleetView view, String app, long silentAfterMillis) {
        int n = 0;
        for (FleetView.Member m : view.nodes()) {
            NodeReport.AppRun run = m.report().agent() ? m.report().apps().get(app) : null;
            if (run != null && m.heartbeatAgeMillis() < silentAfterMillis) {
                n += run.instances();
            }
        }
        return n;
    }

    /** The agents of {@link #expectedInstances}, by name, for the messages of a deploy that waits for them. */
    public static List<String> agents(FleetView view, String app, long silentAfterMillis) {
        return view.nodes().stream()
                .filter(m -> m.report().agent() && m.report().apps().containsKey(app) && m.heartbeatAgeMillis() < silentAfterMillis)
                .map(m -> m.report().name()).toList();
    }
}
