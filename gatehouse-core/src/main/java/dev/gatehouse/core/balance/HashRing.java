package dev.gatehouse.core.balance;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable consistent-hash ring over a set of (member id, weight): sorted 64-bit points, each
 * owned by one member. Members are numbered in id order ("owners"), so a ring does not depend on
 * the order of the candidate list and can be reused for another list with the same set.
 *
 * <p>Virtual nodes: {@value #POINTS_PER_WEIGHT} points per unit of weight relative to the lightest
 * member (weights 1, 2, 3, 4 give 160, 320, 480, 640 points), Ketama's 160 per server: the share
 * of a member then varies by roughly 1/sqrt(160), about 8%, around its weight's share. The ring is
 * capped at {@value #MAX_POINTS} points (768 KiB, 16 binary-search steps); past that every count
 * is scaled down (at least one point each). Point {@code k} of a member is
 * {@code mix(fnv1a(id) + (k + 1) * GOLDEN)}, so it depends only on the id: adding or removing a
 * member moves only the keys of the arcs it gains or loses, as long as the lightest weight and the
 * cap leave the other members' counts unchanged.
 */
final class HashRing {

    /** Points per unit of weight, relative to the lightest member. */
    static final int POINTS_PER_WEIGHT = 160;
    /** The most points a ring holds. */
    static final int MAX_POINTS = 65_536;

    private final String[] ids;
    private final int[] weights;
    private final Map<String, Integer> ownerById;
    private final long fingerprint;
    private final long[] points;
    private final int[] owners;

    private HashRing(String[] ids, int[] weights, long fingerprint, long[] points, int[] owners) {
        this.ids = ids;
        this.weights = weights;
        this.fingerprint = fingerprint;
        this.points = points;
        this.owners = owners;
        this.ownerById = new HashMap<>(ids.length * 2);
        for (int i = 0; i < ids.length; i++) {
            ownerById.put(ids[i], i);
        }
    }

    /** Builds the ring of a non-empty list of members; of members with the same id, the first counts. */
    static HashRing build(List<Member> members) {
        Map<String, Member> distinct = new HashMap<>();
        for (Member m : members) {
            distinct.putIfAbsent(m.id(), m);
        }
        Member[] sorted = distinct.values().toArray(Member[]::new);
        Arrays.sort(sorted, Comparator.comparing(Member::id));
        int n = sorted.length;
        String[] ids = new String[n];
        int[] weights = new int[n];
        long totalWeight = 0;
        int minWeight = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            ids[i] = sorted[i].id();
            weights[i] = Math.max(1, sorted[i].weight());
            totalWeight += weights[i];
            minWeight = Math.min(minWeight, weights[i]);
        }
        double scale = Math.min((double) POINTS_PER_WEIGHT / minWeight, (double) MAX_POINTS / totalWeight);
        int[] counts = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            counts[i] = (int) Math.max(1, Math.round(weights[i] * scale));
            total += counts[i];
        }
        long[] raw = new long[total];
        int[] rawOwners = new int[total];
        int p = 0;
        for (int i = 0; i < n; i++) {
            long base = Hashing.fnv1a(ids[i]);
            for (int k = 0; k < counts[i]; k++) {
                raw[p] = Hashing.mix(base + (k + 1) * Hashing.GOLDEN);
                rawOwners[p++] = i;
            }
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> {
            int c = Long.compare(raw[x], raw[y]);
            return c != 0 ? c : Integer.compare(rawOwners[x], rawOwners[y]);
        });
        long[] points = new long[total];
        int[] owners = new int[total];
        for (int i = 0; i < total; i++) {
            points[i] = raw[order[i]];
            owners[i] = rawOwners[order[i]];
        }
        return new HashRing(ids, weights, fingerprint(members), points, owners);
    }

    /**
     * A cheap order-independent fingerprint of a list's (id, weight) set: a sum of mixed
     * {@code (id.hashCode(), weight)} pairs. {@link String#hashCode} is cached by the string, so
     * this costs one pass without hashing text. Equal sets give equal fingerprints; a collision of
     * different sets is caught by {@link #owner(Member)} when the members are mapped.
     */
    static long fingerprint(List<Member> members) {
        long f = members.size();
        for (int i = 0, n = members.size(); i < n; i++) {
            Member m = members.get(i);
            f += Hashing.mix(((long) m.id().hashCode() << 32) ^ (m.weight() & 0xffffffffL));
        }
        return f;
    }

    long fingerprint() {
        return fingerprint;
    }

    /** How many distinct members the ring was built for. */
    int size() {
        return ids.length;
    }

    /** How many points the ring has. */
    int length() {
        return points.length;
    }

    /** The owner number of a member with the same id and weight as one of the ring's, or -1. */
    int owner(Member m) {
        Integer o = ownerById.get(m.id());
        return o != null && weights[o] == Math.max(1, m.weight()) ? o : -1;
    }

    /** The index of the first point at or clockwise after {@code hash}. */
    int indexOf(long hash) {
        int i = Arrays.binarySearch(points, hash);
        if (i < 0) {
            i = -i - 1;
        }
        return i == points.length ? 0 : i;
    }

    /** The owner of the point at {@code index} (taken modulo the ring length). */
    int ownerAt(int index) {
        return owners[index % points.length];
    }
}
