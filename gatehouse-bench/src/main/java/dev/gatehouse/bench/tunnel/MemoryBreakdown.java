package dev.gatehouse.bench.tunnel;

import dev.gatehouse.bench.scenario.Args;
import dev.gatehouse.bench.soak.ClassHistogram;
import dev.gatehouse.bench.soak.NativeMemory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What each of N connections added to a JVM, from snapshots taken before and after they opened:
 * the heap by class ({@code jcmd PID GC.class_histogram}) and, when given, native memory by
 * category ({@code jcmd PID VM.native_memory summary}), both divided by N.
 *
 * <pre>
 * java -cp &lt;bench classpath&gt; dev.gatehouse.bench.tunnel.MemoryBreakdown --connections N \
 *     --histogram-before FILE --histogram-after FILE [--nmt-before FILE --nmt-after FILE] [--top N]
 * </pre>
 *
 * Prints to stdout, indented by two spaces: the classes whose bytes grew most (instances and bytes
 * per connection), the rest summed, the total; then the native categories that changed. Exit
 * status 2 on bad arguments or unreadable files.
 */
public final class MemoryBreakdown {

    private static final String USAGE = "usage: MemoryBreakdown --connections N --histogram-before FILE --histogram-after FILE"
            + " [--nmt-before FILE --nmt-after FILE] [--top N]";

    private MemoryBreakdown() {
    }

    /**
     * Prints the breakdown; see the class comment for the arguments.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        int connections = 0;
        int top = 25;
        String histoBefore = null;
        String histoAfter = null;
        String nmtBefore = null;
        String nmtAfter = null;
        try {
            for (int i = 0; i < args.length; i += 2) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--connections" -> connections = Args.positiveInt("--connections", value);
                    case "--top" -> top = Args.positiveInt("--top", value);
                    case "--histogram-before" -> histoBefore = value;
                    case "--histogram-after" -> histoAfter = value;
                    case "--nmt-before" -> nmtBefore = value;
                    case "--nmt-after" -> nmtAfter = value;
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            if (connections == 0 || histoBefore == null || histoAfter == null || (nmtBefore == null) != (nmtAfter == null)) {
                throw new IllegalArgumentException("missing arguments");
            }
            print(System.out, connections, top, ClassHistogram.parse(read(histoBefore)), ClassHistogram.parse(read(histoAfter)));
            if (nmtBefore != null) {
                print(System.out, connections, NativeMemory.parse(read(nmtBefore)), NativeMemory.parse(read(nmtAfter)));
            }
        } catch (IllegalArgumentException | IOException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    private static String read(String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    }

    /** The {@code top} classes that grew most, per connection, then the rest and the total. */
    static void print(PrintStream out, int connections, int top, ClassHistogram before, ClassHistogram after) {
        List<ClassHistogram.Growth> all = ClassHistogram.growth(before, after, Integer.MAX_VALUE);
        out.printf(Locale.ROOT, "  %10s %10s  %s%n", "B/conn", "inst/conn", "class");
        long shown = 0;
        for (int i = 0; i < Math.min(top, all.size()); i++) {
            ClassHistogram.Growth g = all.get(i);
            shown += g.bytes();
            out.printf(Locale.ROOT, "  %10.0f %10.2f  %s%n", perConn(g.bytes(), connections),
                    g.instances() / (double) connections, g.className());
        }
        long grown = all.stream().mapToLong(ClassHistogram.Growth::bytes).sum();
        long total = after.totalBytes() - before.totalBytes();
        out.printf(Locale.ROOT, "  %10.0f %10s  the other %d classes that grew%n", perConn(grown - shown, connections), "",
                Math.max(0, all.size() - top));
        out.printf(Locale.ROOT, "  %10.0f %10s  live heap in all (the histograms' totals; classes that shrank included)%n",
                perConn(total, connections), "");
    }

    /** The native categories whose committed memory changed by at least 64 KiB, per connection. */
    static void print(PrintStream out, int connections, NativeMemory before, NativeMemory after) {
        out.println();
        out.println("  native memory (NMT, committed) per connection:");
        for (NativeMemory.Change c : NativeMemory.changes(before, after, 64)) {
            out.printf(Locale.ROOT, "  %10.0f  %s%n", perConn(c.kb() * 1024, connections), c.category());
        }
        out.printf(Locale.ROOT, "  %10.0f  total committed%n",
                perConn((after.totalCommittedKb() - before.totalCommittedKb()) * 1024, connections));
    }

    private static double perConn(long bytes, int connections) {
        return bytes / (double) connections;
    }
}
