package dev.gatehouse.core.deploy;

/** What the data plane is to do for a deploy, in the order given. */
public sealed interface DeployAction {

    /** Send this many warm-up requests to the new version's backends. */
    record SendWarmup(int requests) implements DeployAction {
    }

    /** Strict mode: hold new requests of the pool at admission (queue them, send none). */
    record HoldNewRequests() implements DeployAction {
    }

    /** Publish the new live version with its epoch: one snapshot swap. */
    record PublishLive(String version, long epoch) implements DeployAction {
    }

    /** Strict mode: release the held requests (to the version live now). */
    record ReleaseHeld() implements DeployAction {
    }

    /** Take the old version's backends out of the pool: they take nothing any more. */
    record Retire(String version) implements DeployAction {
    }
}
