package dev.gatehouse.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class InvalidationTest {

    @Test
    void unsafeMethods_invalidateOnSuccessAndRedirects() {
        assertThat(Invalidation.invalidatesTarget("POST", 200)).isTrue();
        assertThat(Invalidation.invalidatesTarget("PUT", 204)).isTrue();
        assertThat(Invalidation.invalidatesTarget("DELETE", 303)).isTrue();
        assertThat(Invalidation.invalidatesTarget("PATCH", 399)).isTrue();
        assertThat(Invalidation.invalidatesTarget("FROB", 200)).as("unknown methods count as unsafe").isTrue();
        assertThat(Invalidation.invalidatesTarget("get", 200)).as("method names are case-sensitive").isTrue();
    }

    @Test
    void notOnErrorsOrInterimResponses() {
        assertThat(Invalidation.invalidatesTarget("POST", 400)).isFalse();
        assertThat(Invalidation.invalidatesTarget("POST", 503)).isFalse();
        assertThat(Invalidation.invalidatesTarget("POST", 100)).isFalse();
    }

    @Test
    void safeMethods_neverInvalidate() {
        for (String m : new String[] {"GET", "HEAD", "OPTIONS", "TRACE"}) {
            assertThat(Invalidation.invalidatesTarget(m, 200)).as(m).isFalse();
        }
    }
}
