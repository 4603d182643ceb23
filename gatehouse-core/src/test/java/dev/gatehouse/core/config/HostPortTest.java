package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class HostPortTest {

    @Test
    void parse_readsNamesIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("app.internal:8001")).isEqualTo(new HostPort("app.internal", 8001));
        assertThat(HostPort.parse("10.0.0.1:80")).isEqualTo(new HostPort("10.0.0.1", 80));
        assertThat(HostPort.parse("[::1]:9090")).isEqualTo(new HostPort("::1", 9090));
        assertThat(HostPort.parse("[::1]:9090").toString()).isEqualTo("[::1]:9090");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", ":80", "host:", "host:99999", "host:-1", "host:8o", "::1:80", "[::1]80", "[::1]"})
    void parse_rejectsMalformedAddresses(String text) {
        assertThatThrownBy(() -> HostPort.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected");
    }
}
