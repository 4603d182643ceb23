package dev.gatehouse.core.balance;

import dev.gatehouse.core.config.HashConfig;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Consistent hashing of a request key on a ring with virtual nodes ({@link HashRing}), optionally
 * with bounded loads (Mirrokni, Thorup and Zadimoghaddam, "Consistent Hashing with Bounded Loads").
 *
 * <p>Key: from {@link HashConfig#source()}: the client address, a header, a cookie or the path; a
 * missing or empty key falls back to the client address. The key's 64-bit hash
 * ({@link Hashing}) selects the first ring point at or clockwise after it; that point's member
 * takes the request.
 *
 * <p>Bounded load ({@link HashConfig#boundedLoad()} {@code c > 1}): a member may take the request
 * only if {@code inFlight + 1 <= ceil(c * (totalInFlight + 1) / candidates)}; otherwise the walk
 * goes on clockwise to the next member that may. Some member always may (the least loaded one has
 * at most {@code floor(total / n)} in flight); if concurrent changes leave none, the key's own
 * member takes it. The bound is as of the reads of this pick: concurrent picks may overshoot it by
 * the number of picks in progress.
 *
 * <p>Caching and thread-safety: the ring, and the mapping of its members to a candidate list, is
 * kept in one immutable {@link Cache} swapped through an {@link AtomicReference}. The same list
 * object reuses it at the cost of one reference comparison; another list with the same set of
 * (id, weight) reuses the ring and only maps it to the new list (one pass); a changed set builds a
 * new ring. Two threads that rebuild at once both build, and the last one stays: harmless. Ids
 * are expected to be distinct (they are within a pool); of duplicates the first is used.
 */
final class ConsistentHashBalancer implements Balancer {

    /** A ring and the candidate list it was last mapped to. */
    private record Cache(List<Member> list, HashRing ring, Member[] byOwner) {
    }

    private final HashConfig config;
    private final AtomicReference<Cache> cache = new AtomicReference<>();

    ConsistentHashBalancer(HashConfig config) {
        this.config = config;
    }

    @Override
    public Member pick(List<Member> candidates, PickContext context) {
        int n = candidates.size();
        if (n <= 1) {
            return n == 0 ? null : candidates.get(0);
        }
        Cache c = cacheFor(candidates);
        HashRing ring = c.ring();
        int index = ring.indexOf(Hashing.hash(key(context)));
        int first = ring.ownerAt(index);
        Member home = c.byOwner()[first];
        if (config.boundedLoad() <= 1) {
            return home;
        }
        long totalInFlight = 0;
        for (int i = 0; i < n; i++) {
            totalInFlight += candidates.get(i).load().inFlight();
        }
        long bound = (long) Math.ceil(config.boundedLoad() * (totalInFlight + 1) / n);
        if (home.load().inFlight() + 1 <= bound) {
            return home;
        }
        boolean[] tried = new boolean[ring.size()];
        tried[first] = true;
        int left = ring.size() - 1;
        for (int step = 1, length = ring.length(); step < length && left > 0; step++) {
            int owner = ring.ownerAt(index + step);
            if (tried[owner]) {
                continue;
            }
            tried[owner] = true;
            left--;
            Member m = c.byOwner()[owner];
            if (m.load().inFlight() + 1 <= bound) {
                return m;
            }
        }
        return home;
    }

    /** The hash key of a request: the configured source, else the client address. */
    String key(PickContext context) {
        String key = switch (config.source()) {
            case CLIENT_IP -> null;
            case HEADER -> context.header(config.name());
            case COOKIE -> context.cookie(config.name());
            case PATH -> context.path();
        };
        if (key == null || key.isEmpty()) {
            key = context.clientAddress();
        }
        return key == null ? "" : key;
    }

    private Cache cacheFor(List<Member> candidates) {
        Cache c = cache.get();
        if (c != null && c.list() == candidates) {
            return c;
        }
        Cache next = null;
        if (c != null && c.ring().size() == candidates.size()
                && c.ring().fingerprint() == HashRing.fingerprint(candidates)) {
            next = remap(c.ring(), candidates);
        }
        if (next == null) {
            HashRing ring = HashRing.build(candidates);
            next = remap(ring, candidates);
            if (next == null) {
                // duplicate ids: the ring holds each id once; map every owner to its first member
                next = new Cache(candidates, ring, firstByOwner(ring, candidates));
            }
        }
        cache.set(next);
        return next;
    }

    /** Maps a ring's owners to the members of a list, or null if the sets differ. */
    private static Cache remap(HashRing ring, List<Member> candidates) {
        Member[] byOwner = new Member[ring.size()];
        for (int i = 0, n = candidates.size(); i < n; i++) {
            Member m = candidates.get(i);
            int owner = ring.owner(m);
            if (owner < 0 || byOwner[owner] != null) {
                return null;
            }
            byOwner[owner] = m;
        }
        return new Cache(candidates, ring, byOwner);
    }

    private static Member[] firstByOwner(HashRing ring, List<Member> candidates) {
        Member[] byOwner = new Member[ring.size()];
        for (Member m : candidates) {
            int owner = ring.owner(m);
            if (owner >= 0 && byOwner[owner] == null) {
                byOwner[owner] = m;
            }
        }
        return byOwner;
    }
}
