package dev.gatehouse.core.deploy;

import java.util.Locale;

/** How the live version changes. */
public enum DeployMode {
    /**
     * New requests go to the new version at once; the old version's requests in flight finish
     * alongside.
     */
    FAST,
    /**
     * New requests are held at admission while the old version's in-flight count falls to zero;
     * then the new version is published and the held requests released to it. No old-version
     * request starts after the first new-version one, and the two never run at the same time.
     */
    STRICT;

    /** The name in the API and the CLI. */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
