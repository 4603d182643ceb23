package dev.gatehouse.bench.soak;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's native memory summary as {@code jcmd PID VM.native_memory summary} prints it (the JVM
 * must run with {@code -XX:NativeMemoryTracking=summary}): the committed memory in all and per
 * category (Java Heap, Class, Thread, Code, GC, Other: direct buffers, ...), and what changed
 * between two. Committed is what can be resident; RSS growth outside the heap shows up here by
 * category.
 *
 * @param committedKb per category, committed KiB, in the order printed
 * @param totalCommittedKb the {@code Total} line's committed KiB (0 when there is none)
 */
public record NativeMemory(Map<String, Long> committedKb, long totalCommittedKb) {

    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB");
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    /** One category's change in committed KiB. */
    public record Change(String category, long kb) {
    }

    /** Parses the command's output; anything else parses as empty. */
    public static NativeMemory parse(String text) {
        Map<String, Long> committed = new LinkedHashMap<>();
        long total = 0;
        for (String line : text.split("\n")) {
            Matcher t = TOTAL.matcher(line);
            if (t.find()) {
                total = Long.parseLong(t.group(1));
                continue;
            }
            Matcher c = CATEGORY.matcher(line);
            if (c.find()) {
                committed.put(c.group(1).trim(), Long.parseLong(c.group(2)));
            }
        }
        return new NativeMemory(committed, total);
    }

    /** The categories whose committed memory changed by at least {@code minKb} either way, largest change first. */
    public static List<Change> changes(NativeMemory before, NativeMemory after, long minKb) {
        Set<String> names = new HashSet<>(before.committedKb().keySet());
        names.addAll(after.committedKb().keySet());
        List<Change> out = new ArrayList<>();
        for (String n : names) {
            long d = after.committedKb().getOrDefault(n, 0L) - before.committedKb().getOrDefault(n, 0L);
            if (Math.abs(d) >= minKb) {
                out.add(new Change(n, d));
            }
        }
        out.sort((a, b) -> a.kb() != b.kb() ? Long.compare(Math.abs(b.kb()), Math.abs(a.kb())) : a.category().compareTo(b.category()));
        return out;
    }
}
