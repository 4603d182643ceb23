package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.postgres.auth.Md5Password;
import dev.gatehouse.postgres.auth.ScramKeys;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** What a pool's server connections answer the server with: a configured password, or what a client's login left. */
final class ServerCredentialsTest {

    private static final byte[] SALT = {1, 2, 3, 4};
    private final SecureRandom random = new SecureRandom();

    @Test
    void aConfiguredPasswordAnswersEveryMethod() {
        ServerCredentials c = ServerCredentials.configured("alice", "secret");
        assertThat(c.cleartext()).isEqualTo("secret");
        assertThat(c.md5Response(SALT)).isEqualTo(Md5Password.response("secret", "alice", SALT));
        assertThat(c.scram(random)).isNotNull();
    }

    @Test
    void withoutAPasswordNothingIsAnsweredAndTheConfigKeyIsNamed() {
        ServerCredentials c = ServerCredentials.configured("alice", null);
        assertThat(c.cleartext()).isNull();
        assertThat(c.md5Response(SALT)).isNull();
        assertThat(c.scram(random)).isNull();
        assertThat(c.cannotAnswer("md5")).contains("databases.users.alice.server_password");
    }

    @Test
    void passThroughAnswersOnlyWhatTheLastLoginLeft() {
        ServerCredentials c = ServerCredentials.passThrough("bob");
        assertThat(c.md5Response(SALT)).isNull();
        assertThat(c.scram(random)).isNull();
        assertThat(c.cannotAnswer("md5")).contains("auth_query").contains("nothing yet");

        String hash = Md5Password.hash("bob-pass", "bob");
        c.learnMd5(hash);
        assertThat(c.md5Response(SALT)).isEqualTo(Md5Password.response("bob-pass", "bob", SALT));
        assertThat(c.scram(random)).isNull();
        assertThat(c.cleartext()).isNull();
        assertThat(c.cannotAnswer("SCRAM-SHA-256")).contains("an md5 hash").doesNotContain(hash);

        c.learnScram(new ScramKeys(4096, new byte[16], new byte[32], new byte[32]));
        assertThat(c.scram(random)).isNotNull();
        assertThat(c.md5Response(SALT)).isNull();
        assertThat(c.cannotAnswer("a cleartext password")).contains("SCRAM keys");
    }
}
