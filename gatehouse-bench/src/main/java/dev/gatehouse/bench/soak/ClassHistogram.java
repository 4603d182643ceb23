package dev.gatehouse.bench.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A heap class histogram as {@code jcmd PID GC.class_histogram} prints it (instances and bytes per
 * class, live objects only: the command runs a full collection first), and what grew between two.
 *
 * @param instances per class name (with its module, as printed), the live instances
 * @param bytes     per class name, the bytes they take
 * @param totalInstances the {@code Total} line's instances (0 when there is none)
 * @param totalBytes     the {@code Total} line's bytes (0 when there is none)
 */
public record ClassHistogram(Map<String, Long> instances, Map<String, Long> bytes, long totalInstances, long totalBytes) {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S.*?)\\s*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    /** One class's change from one histogram to the next. */
    public record Growth(String className, long bytes, long instances) {
    }

    /** Parses the command's output; lines that are neither a class row nor the total are skipped. */
    public static ClassHistogram parse(String text) {
        Map<String, Long> instances = new HashMap<>();
        Map<String, Long> bytes = new HashMap<>();
        long totalInstances = 0;
        long totalBytes = 0;
        for (String line : text.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                // A class loaded by two loaders is listed twice under one name: added up.
                instances.merge(row.group(3), Long.parseLong(row.group(1)), Long::sum);
                bytes.merge(row.group(3), Long.parseLong(row.group(2)), Long::sum);
                continue;
            }
            Matcher total = TOTAL.matcher(line.trim());
            if (total.matches()) {
                totalInstances = Long.parseLong(total.group(1));
                totalBytes = Long.parseLong(total.group(2));
            }
        }
        return new ClassHistogram(Map.copyOf(instances), Map.copyOf(bytes), totalInstances, totalBytes);
    }

    /** The {@code limit} classes whose bytes grew most from {@code before} to {@code after}, largest first. */
    public static List<Growth> growth(ClassHistogram before, ClassHistogram after, int limit) {
        Set<String> names = new HashSet<>(before.bytes().keySet());
        names.addAll(after.bytes().keySet());
        List<Growth> all = new ArrayList<>();
        for (String name : names) {
            long db = after.bytes().getOrDefault(name, 0L) - before.bytes().getOrDefault(name, 0L);
            long di = after.instances().getOrDefault(name, 0L) - before.instances().getOrDefault(name, 0L);
            if (db > 0) {
                all.add(new Growth(name, db, di));
            }
        }
        all.sort((a, b) -> a.bytes() != b.bytes() ? Long.compare(b.bytes(), a.bytes()) : a.className().compareTo(b.className()));
        return all.size() > limit ? List.copyOf(all.subList(0, limit)) : List.copyOf(all);
    }
}
