package dev.gatehouse.core.balance;

/**
 * 64-bit hashing for the consistent-hash ring, without a dependency: FNV-1a 64 over the string's
 * UTF-16 code units, then the SplitMix64 finalizer. FNV-1a alone mixes the last characters poorly
 * (keys that differ only at the end, like {@code 10.0.0.1} and {@code 10.0.0.2}, land close
 * together); the finalizer spreads every input bit over the whole word.
 */
final class Hashing {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** 2^64 / golden ratio, the SplitMix64 increment: successive multiples are well spread. */
    static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private Hashing() {
    }

    /** The hash of a key. */
    static long hash(String key) {
        return mix(fnv1a(key));
    }

    /** FNV-1a 64 over UTF-16 code units (each char's low byte, then its high byte). */
    static long fnv1a(String s) {
        long h = FNV_OFFSET;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            h = (h ^ (c & 0xff)) * FNV_PRIME;
            h = (h ^ (c >>> 8)) * FNV_PRIME;
        }
        return h;
    }

    /** The SplitMix64 finalizer (Stafford's variant 13): a bijection with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
