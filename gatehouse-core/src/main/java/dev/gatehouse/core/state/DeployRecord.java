package dev.gatehouse.core.state;

import dev.gatehouse.core.config.HostPort;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A pool's deploy as the state file keeps it: written when a deploy starts and when it ends, so that
 * a node that restarts in the middle of one knows, and finishes it one way or the other.
 *
 * @param from     the version that was live when it started
 * @param to       the version it makes live
 * @param backends the new version's backends it registered
 * @param status   where it stands
 * @param detail   a sentence: the abort reason, or what the restart did
 * @param node     in a fleet, the node that runs it (empty on a node of its own): one deploy per
 *                 pool runs in a fleet, and a node refuses another while that node is a member
 */
public record DeployRecord(String from, String to, List<HostPort> backends, Status status, String detail, String node) {

    /** A deploy on a node of its own. */
    public DeployRecord(String from, String to, List<HostPort> backends, Status status, String detail) {
        this(from, to, backends, status, detail, "");
    }

    /** Where a deploy stands in the state file. */
    public enum Status {
        /** Under way (a node that starts with this finishes it: see {@link RuntimeChanges#resolveDeploys}). */
        RUNNING,
        /** The new version is live and the old one retired. */
        DONE,
        /** It stopped before the switch; the old version serves. */
        ABORTED,
        /** The node restarted after the switch: it retired the old version itself. */
        COMPLETED_AT_RESTART,
        /** The node restarted before the switch: it took the new version's backends out again. */
        ROLLED_BACK_AT_RESTART;

        /** The name in the API and the state file. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String apiName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses {@link #apiName()}. */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Status fromApiName(String name) {
            for (Status s : values()) {
                if (s.apiName().equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("status: \"" + name + "\" (expected: running, done, aborted, "
                    + "completed-at-restart or rolled-back-at-restart)");
        }
    }

    /** Validates and copies. */
    public DeployRecord {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        backends = List.copyOf(backends);
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        node = node == null ? "" : node;
    }

    /** The same deploy with another status and detail. */
    public DeployRecord with(Status next, String why) {
        return new DeployRecord(from, to, backends, next, why, node);
    }
}
