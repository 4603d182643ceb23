package dev.gatehouse.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The class histogram as jcmd prints it, and what grew between two. */
final class ClassHistogramTest {

    private static final String BEFORE = """
            4242:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000         160000  [B (java.base@25)
               2:           500          12000  java.lang.String (java.base@25)
               3:            10            640  dev.gatehouse.server.proxy.Exchange
               4:             2             64  dev.gatehouse.server.proxy.Exchange
            Total          1512         172704
            """;

    private static final String AFTER = """
            4242:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1100         200000  [B (java.base@25)
               2:           400           9600  java.lang.String (java.base@25)
               3:            30           1920  dev.gatehouse.server.proxy.Exchange
               4:             1             16  java.lang.Object (java.base@25)
            Total          1531         211536
            """;

    @Test
    void parse_readsRowsAndTotal_addingUpAClassListedTwice() {
        ClassHistogram h = ClassHistogram.parse(BEFORE);
        assertThat(h.totalInstances()).isEqualTo(1512);
        assertThat(h.totalBytes()).isEqualTo(172704);
        assertThat(h.bytes()).containsEntry("[B (java.base@25)", 160000L)
                .containsEntry("dev.gatehouse.server.proxy.Exchange", 704L);
        assertThat(h.instances()).containsEntry("dev.gatehouse.server.proxy.Exchange", 12L).hasSize(3);
    }

    @Test
    void growth_listsWhatGrew_largestFirst_andNothingThatShrank() {
        var growth = ClassHistogram.growth(ClassHistogram.parse(BEFORE), ClassHistogram.parse(AFTER), 10);
        assertThat(growth).containsExactly(
                new ClassHistogram.Growth("[B (java.base@25)", 40000, 100),
                new ClassHistogram.Growth("dev.gatehouse.server.proxy.Exchange", 1216, 18),
                new ClassHistogram.Growth("java.lang.Object (java.base@25)", 16, 1));
        assertThat(ClassHistogram.growth(ClassHistogram.parse(BEFORE), ClassHistogram.parse(AFTER), 1)).hasSize(1);
    }

    @Test
    void somethingElse_parsesAsEmpty() {
        ClassHistogram h = ClassHistogram.parse("4242:\ncom.sun.tools.attach.AttachNotSupportedException: no such process\n");
        assertThat(h.totalBytes()).isZero();
        assertThat(h.bytes()).isEmpty();
    }
}
