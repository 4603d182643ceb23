package dev.gatehouse.testing.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class PostgresExtensionTest {

    @Test
    void aClusterAskedForOutsideItsClassRun_failsSayingHowToRegisterTheExtension() {
        assertThatThrownBy(() -> new PostgresExtension().cluster())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("registered on a static field");
    }
}
