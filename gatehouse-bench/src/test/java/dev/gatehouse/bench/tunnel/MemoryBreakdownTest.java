package dev.gatehouse.bench.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.bench.soak.ClassHistogram;
import dev.gatehouse.bench.soak.NativeMemory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What each of N connections added, from two class histograms and two NMT summaries. */
final class MemoryBreakdownTest {

    private static ClassHistogram histogram(long channels, long handlers, long total) {
        return ClassHistogram.parse("""
                 num     #instances         #bytes  class name (module)
                -------------------------------------------------------
                   1:          %d          %d  io.netty.channel.epoll.EpollSocketChannel
                   2:          %d          %d  dev.gatehouse.server.proxy.ProxyHandler
                   3:           10          400  java.lang.String (java.base@25.0.3)
                Total          %d          %d
                """.formatted(channels, channels * 128, handlers, handlers * 64, channels + handlers + 10, total));
    }

    private static String print(int connections, int top, ClassHistogram before, ClassHistogram after) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MemoryBreakdown.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), connections, top, before, after);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void histograms_perConnection_largestFirst_withTheRestAndTheTotal() {
        String out = print(100, 1, histogram(10, 10, 10_000), histogram(110, 110, 29_200));
        assertThat(out.lines()).containsExactly(
                "      B/conn  inst/conn  class",
                "         128       1.00  io.netty.channel.epoll.EpollSocketChannel",
                "          64             the other 1 classes that grew",
                "         192             live heap in all (the histograms' totals; classes that shrank included)");
    }

    @Test
    void nativeMemory_perConnection_onlyCategoriesThatMoved() {
        String before = "Total: reserved=1000KB, committed=500KB\n-  Code (reserved=900KB, committed=100KB)\n"
                + "-  Thread (reserved=100KB, committed=50KB)\n";
        String after = "Total: reserved=1000KB, committed=700KB\n-  Code (reserved=900KB, committed=300KB)\n"
                + "-  Thread (reserved=100KB, committed=60KB)\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        MemoryBreakdown.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1024,
                NativeMemory.parse(before), NativeMemory.parse(after));
        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "",
                "  native memory (NMT, committed) per connection:",
                "         200  Code",
                "         200  total committed");
    }
}
