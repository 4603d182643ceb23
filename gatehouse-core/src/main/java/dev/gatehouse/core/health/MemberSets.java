package dev.gatehouse.core.health;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.balance.BackendLoad;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.PanicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pool's members sorted by what they may do at one moment, from their health records: one pass,
 * no changes to the records.
 *
 * @param up        members of the live version (or any, without one) that are in service, not
 *                  ejected and pass their checks: the ones that take requests outside panic
 * @param canaryUp  the canary version's members that are in service, not ejected and healthy
 * @param inService members of the live version an operator has not taken out (not draining, ready),
 *                  whatever their health
 * @param deadline  the earliest end of an ejection among {@code inService}, or
 *                  {@link BackendHealth#NEVER}
 */
record MemberSets(List<Member> up, List<Member> canaryUp, List<Member> inService, long deadline) {

    /**
     * Sorts the members.
     *
     * @param liveVersion   the version that serves, or null for all
     * @param canaryVersion the canary version, or null for none; its members are never in {@code up}
     */
    static MemberSets of(List<Member> members, Map<BackendLoad, BackendHealth> byLoad, String liveVersion,
                         String canaryVersion) {
        List<Member> up = new ArrayList<>(members.size());
        List<Member> canaryUp = new ArrayList<>();
        List<Member> inService = new ArrayList<>(members.size());
        long deadline = BackendHealth.NEVER;
        for (Member m : members) {
            BackendHealth h = byLoad.get(m.load());
            if (canaryVersion != null && canaryVersion.equals(m.backend().version())) {
                if (!h.draining && m.backend().admin() == AdminState.READY && !h.ejected() && h.checkHealthy) {
                    canaryUp.add(m);
                }
                continue;
            }
            if (h.draining || m.backend().admin() != AdminState.READY
                    || (liveVersion != null && !liveVersion.equals(m.backend().version()))) {
                continue;
            }
            inService.add(m);
            if (h.ejected()) {
                deadline = Math.min(deadline, h.ejectedUntil);
            } else if (h.checkHealthy) {
                up.add(m);
            }
        }
        return new MemberSets(up, canaryUp, inService, deadline);
    }

    /**
     * Whether the pool panics: some members are in service, and fewer than the threshold's share
     * of them (or none) are up.
     */
    boolean panic(PanicConfig p) {
        return !inService.isEmpty()
                && (up.isEmpty() || up.size() * 100L < (long) p.thresholdPercent() * inService.size());
    }
}
