package dev.gatehouse.postgres.auth;

import java.security.SecureRandom;

/** A "random" source for tests: bytes counting up from a start value, so results are reproducible. */
final class FixedRandom extends SecureRandom {

    private byte next;

    FixedRandom(int start) {
        this.next = (byte) start;
    }

    @Override
    public void nextBytes(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = next++;
        }
    }
}
