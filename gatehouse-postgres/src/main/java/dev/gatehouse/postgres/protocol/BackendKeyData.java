package dev.gatehouse.postgres.protocol;

import java.util.Arrays;

/**
 * The process id and secret key a server gives a session, for a later CancelRequest.
 *
 * @param pid the process id
 * @param key the secret key: 4 bytes in protocol 3.0, up to 256 from 3.2 on
 */
public record BackendKeyData(int pid, byte[] key) {

    /**
     * Checks and copies the key.
     *
     * @throws IllegalArgumentException when the key is not 4 to 256 bytes long
     */
    public BackendKeyData {
        key = CancelRequest.checkedKey(key);
    }

    /** A copy of the secret key. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** The CancelRequest that cancels this session's query. */
    public CancelRequest cancelRequest() {
        return new CancelRequest(pid, key);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendKeyData b && b.pid == pid && Arrays.equals(b.key, key);
    }

    @Override
    public int hashCode() {
        return 31 * pid + Arrays.hashCode(key);
    }

    /** Shows the pid and the key's length, never the key. */
    @Override
    public String toString() {
        return "BackendKeyData[pid=" + pid + ", key=" + key.length + " bytes]";
    }
}
