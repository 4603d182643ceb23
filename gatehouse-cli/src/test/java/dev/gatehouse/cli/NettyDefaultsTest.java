package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node's Netty defaults: set when absent, the operator's own value kept. */
final class NettyDefaultsTest {

    private String saved;

    @BeforeEach
    void save() {
        saved = System.getProperty(NettyDefaults.SAMPLING_INTERVAL_PROPERTY);
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(NettyDefaults.SAMPLING_INTERVAL_PROPERTY);
        } else {
            System.setProperty(NettyDefaults.SAMPLING_INTERVAL_PROPERTY, saved);
        }
    }

    @Test
    void apply_setsTheSamplingIntervalWhenTheOperatorHasNot() {
        System.clearProperty(NettyDefaults.SAMPLING_INTERVAL_PROPERTY);

        NettyDefaults.apply();

        assertThat(System.getProperty(NettyDefaults.SAMPLING_INTERVAL_PROPERTY)).isEqualTo("1024");
    }

    @Test
    void apply_keepsTheOperatorsSamplingInterval() {
        System.setProperty(NettyDefaults.SAMPLING_INTERVAL_PROPERTY, "1");

        NettyDefaults.apply();

        assertThat(System.getProperty(NettyDefaults.SAMPLING_INTERVAL_PROPERTY)).isEqualTo("1");
    }
}
