package dev.gatehouse.server;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The random source the data plane gives to decision code: thread-safe and uncontended, since each
 * call uses the calling thread's own generator.
 */
final class SharedRandom implements RandomGenerator {

    static final SharedRandom INSTANCE = new SharedRandom();

    private SharedRandom() {
    }

    @Override
    public long nextLong() {
        return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public double nextDouble() {
        return ThreadLocalRandom.current().nextDouble();
    }
}
