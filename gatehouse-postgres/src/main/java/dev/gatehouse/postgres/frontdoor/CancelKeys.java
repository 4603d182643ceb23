package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.protocol.BackendKeyData;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * The cancel keys the front door gives its clients (in BackendKeyData) in place of the servers'
 * own: a client's key stays the same while its transactions move between server connections,
 * and a CancelRequest with it reaches whichever server connection the client holds at that
 * moment. Keys are random (a key is the only secret a CancelRequest carries), unique among the
 * clients connected. Used on the front door's event loop only.
 */
final class CancelKeys {

    private final SecureRandom random;
    private final Map<Long, ClientSession> sessions = new HashMap<>();

    CancelKeys(SecureRandom random) {
        this.random = random;
    }

    /** A new key for {@code session}, remembered until {@link #forget}. */
    BackendKeyData issue(ClientSession session) {
        while (true) {
            int pid = random.nextInt() & 0x7fffffff;
            byte[] key = new byte[4];
            random.nextBytes(key);
            long id = id(pid, key);
            if (pid != 0 && sessions.putIfAbsent(id, session) == null) {
                return new BackendKeyData(pid, key);
            }
        }
    }

    /** The session a CancelRequest with this pid and key is for, or null. */
    ClientSession find(int pid, byte[] key) {
        return key.length == 4 ? sessions.get(id(pid, key)) : null;
    }

    /** Forgets a key: its client is gone. */
    void forget(BackendKeyData key) {
        sessions.remove(id(key.pid(), key.key()));
    }

    /** How many keys are out. */
    int size() {
        return sessions.size();
    }

    private static long id(int pid, byte[] key) {
        return ((long) pid << 32) | (ByteBuffer.wrap(key).getInt() & 0xffffffffL);
    }
}
