package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which user names are worth an auth_query lookup: only those a PostgreSQL role can have, and safe to log. */
final class AuthQueryNamesTest {

    @Test
    void aRoleNameOfUpTo63BytesIsLookedUp() {
        assertThat(AuthQuery.mayLookUp("alice")).isTrue();
        assertThat(AuthQuery.mayLookUp("John Smith")).isTrue();
        assertThat(AuthQuery.mayLookUp("\u00e9".repeat(31) + "x")).isTrue();   // 63 bytes
        assertThat(AuthQuery.mayLookUp("a".repeat(63))).isTrue();
    }

    @Test
    void aNameNoRoleCanHaveIsNotLookedUp() {
        assertThat(AuthQuery.mayLookUp("")).isFalse();
        assertThat(AuthQuery.mayLookUp("a".repeat(64))).isFalse();
        assertThat(AuthQuery.mayLookUp("\u00e9".repeat(32))).isFalse();        // 64 bytes
        assertThat(AuthQuery.mayLookUp("alice\nERROR forged log line")).isFalse();
        assertThat(AuthQuery.mayLookUp("bob\u0007")).isFalse();
    }
}
