package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabaseUserConfig;
import dev.gatehouse.postgres.auth.ScramSecret;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * The users clients may log in as, ready to check: a SCRAM secret for each SCRAM user (derived
 * once, at start, from a plaintext password, or read from the stored secret), so that a login
 * costs the same HMACs PostgreSQL's does and never a key derivation on an event loop.
 */
final class Users {

    /**
     * One user.
     *
     * @param config its config
     * @param scram its SCRAM secret, for {@code scram-sha-256} users; null otherwise
     */
    record User(DatabaseUserConfig config, ScramSecret scram) {}

    private final Map<String, User> byName = new HashMap<>();
    private final byte[] mockKey = new byte[32];

    Users(Map<String, DatabaseUserConfig> users, SecureRandom random) {
        random.nextBytes(mockKey);
        for (DatabaseUserConfig u : users.values()) {
            ScramSecret scram = null;
            if (u.auth() == DatabaseUserConfig.Auth.SCRAM_SHA_256) {
                scram = u.passwordForm() == DatabaseUserConfig.PasswordForm.SCRAM_SHA_256
                        ? ScramSecret.parse(u.password()) : ScramSecret.fromPassword(u.password(), random);
            }
            byName.put(u.name(), new User(u, scram));
        }
    }

    /** The user called {@code name}, or null. */
    User find(String name) {
        return byName.get(name);
    }

    /** The key an unknown user's mock SCRAM exchange is derived from (the same all node long). */
    byte[] mockKey() {
        return mockKey.clone();
    }
}
