package dev.gatehouse.server.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The log of recent purges: what covers a key since a mark, and the cautious answer when it cannot tell. */
final class PurgesTest {

    private final Purges purges = new Purges();

    @Test
    void nothingSinceTheMark_coversNothing() {
        purges.record(key -> true);
        long mark = purges.mark();

        assertThat(purges.coveredSince(mark, "k")).isFalse();
    }

    @Test
    void aPurgeSinceTheMark_coversTheKeysItAccepts() {
        long mark = purges.mark();
        purges.record(key -> key.startsWith("a"));

        assertThat(purges.coveredSince(mark, "a1")).isTrue();
        assertThat(purges.coveredSince(mark, "b1")).isFalse();
    }

    @Test
    void moreRecentPurgesThanAreKept_coverEverything() {
        long mark = purges.mark();
        for (int i = 0; i <= Purges.KEPT; i++) {
            purges.record("never"::equals);
        }

        assertThat(purges.coveredSince(mark, "k")).isTrue();
        assertThat(purges.coveredSince(mark + 1, "k")).as("exactly as many as are kept").isFalse();
    }
}
