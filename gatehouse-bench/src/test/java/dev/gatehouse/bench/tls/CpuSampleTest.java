package dev.gatehouse.bench.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

final class CpuSampleTest {

    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void readsThisProcessAndCoreZero() {
        CpuSample a = CpuSample.read(List.of(SELF), 0, 0);
        long spin = System.nanoTime() + 50_000_000L;
        long x = 0;
        while (System.nanoTime() < spin) { // burn a little CPU so that the ticks can move
            x += System.nanoTime() % 7;
        }
        CpuSample b = CpuSample.read(List.of(SELF, SELF), 0, 0);

        assertThat(x).isPositive();
        assertThat(a.processTicks()).isNotNegative();
        assertThat(b.processTicks()).isGreaterThanOrEqualTo(2 * a.processTicks());
        assertThat(b.proxyCoreTotal()).isGreaterThanOrEqualTo(a.proxyCoreTotal());
        assertThat(a.proxyCoreBusy()).isLessThanOrEqualTo(a.proxyCoreTotal());
        assertThat(b.since(a)).matches(
                "seconds=\\d+\\.\\d{3} proxy_ticks=\\d+ proxy_core=\\d+/\\d+ load_core=\\d+/\\d+");
    }

    @Test
    void aMissingProcessIsAnError() {
        assertThatThrownBy(() -> CpuSample.read(List.of(Long.MAX_VALUE), 0, 0))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("/proc");
    }

    @Test
    void aMissingCoreIsAnError() {
        assertThatThrownBy(() -> CpuSample.read(List.of(SELF), 0, 4096))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("cpu4096");
    }
}
