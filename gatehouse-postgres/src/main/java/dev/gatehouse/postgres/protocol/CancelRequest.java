package dev.gatehouse.postgres.protocol;

import java.util.Arrays;

/**
 * A request, on a connection of its own, to cancel what the session with this backend key is
 * running: the process id and secret key its server gave it in BackendKeyData.
 *
 * @param pid the process id
 * @param key the secret key: 4 bytes in protocol 3.0, up to 256 from 3.2 on
 */
public record CancelRequest(int pid, byte[] key) implements StartupPacket {

    /** The shortest key, protocol 3.0's. */
    public static final int MIN_KEY_LENGTH = 4;

    /** The longest key protocol 3.2 allows. */
    public static final int MAX_KEY_LENGTH = 256;

    /**
     * Checks and copies the key.
     *
     * @throws IllegalArgumentException when the key is not 4 to 256 bytes long
     */
    public CancelRequest {
        key = checkedKey(key);
    }

    /** A copy of the secret key. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CancelRequest c && c.pid == pid && Arrays.equals(c.key, key);
    }

    @Override
    public int hashCode() {
        return 31 * pid + Arrays.hashCode(key);
    }

    /** Shows the pid and the key's length, never the key: it lets anyone cancel the session's queries. */
    @Override
    public String toString() {
        return "CancelRequest[pid=" + pid + ", key=" + key.length + " bytes]";
    }

    /** A copy of the key, checked for length 4..256. */
    static byte[] checkedKey(byte[] key) {
        if (key == null || key.length < MIN_KEY_LENGTH || key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key: " + (key == null ? "null" : key.length + " bytes")
                    + " (expected: " + MIN_KEY_LENGTH + ".." + MAX_KEY_LENGTH + " bytes)");
        }
        return key.clone();
    }
}
