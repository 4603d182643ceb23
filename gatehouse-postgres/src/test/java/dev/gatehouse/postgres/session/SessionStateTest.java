package dev.gatehouse.postgres.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class SessionStateTest {

    private static Set<PinReason> reasonsAfter(String... sql) {
        SessionState state = new SessionState();
        Arrays.stream(sql).forEach(state::apply);
        assertThat(state.pinned()).isEqualTo(!state.reasons().isEmpty());
        return state.reasons();
    }

    private static Set<PinReason> set(String reasons) {
        EnumSet<PinReason> set = EnumSet.noneOf(PinReason.class);
        for (String r : reasons.split(" ")) {
            if (!r.isBlank()) {
                set.add(PinReason.valueOf(r));
            }
        }
        return set;
    }

    @ParameterizedTest(name = "{0} -> [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            SET search_path = app                                   | SET
            set TimeZone to 'UTC'                                   |
            SET TIME ZONE 'UTC'                                     |
            SET NAMES 'UTF8'                                        |
            SET application_name = 'worker'                         |
            SET SESSION DateStyle = ISO                             |
            SET SESSION statement_timeout = 1000                    | SET
            SET ROLE reporting                                      | SET
            SET SESSION AUTHORIZATION bob                           | SET
            SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY    | SET
            SET LOCAL statement_timeout = 1000                      |
            SET TRANSACTION ISOLATION LEVEL SERIALIZABLE            |
            SET CONSTRAINTS ALL DEFERRED                            |
            SELECT set_config('app.user', 'x', false)               | SET
            LISTEN jobs                                             | LISTEN
            SELECT pg_advisory_lock(42)                             | ADVISORY_LOCK
            select PG_TRY_ADVISORY_LOCK_SHARED(1, 2)                | ADVISORY_LOCK
            SELECT pg_advisory_xact_lock(42)                        |
            CREATE TEMP TABLE t (id int)                            | TEMP_TABLE
            CREATE GLOBAL TEMPORARY TABLE t (id int)                | TEMP_TABLE
            CREATE OR REPLACE TEMP VIEW v AS SELECT 1               | TEMP_TABLE
            CREATE TABLE t (id int)                                 |
            SELECT 1 AS a INTO TEMP t                               | TEMP_TABLE
            DECLARE c CURSOR WITH HOLD FOR SELECT 1                 | HOLD_CURSOR
            DECLARE c NO SCROLL CURSOR WITH HOLD FOR SELECT 1       | HOLD_CURSOR
            DECLARE c CURSOR FOR SELECT 'with hold'                 |
            PREPARE q (int) AS SELECT $1                            | SQL_PREPARE
            PREPARE TRANSACTION 'x'                                 |
            SELECT 'SET search_path = x; LISTEN y'                  |
            SELECT 1 -- ; LISTEN y                                  |
            SELECT /* nested /* LISTEN y; */ SET x = 1; */ 1        |
            SELECT $tag$ ; LISTEN y; $tag$                          |
            SELECT E'it\\'s; LISTEN y'                              |
            SELECT 1; LISTEN y; SET a = 1                           | LISTEN SET
            UPDATE t SET x = 1                                      |
            INSERT INTO t VALUES ($1, $2)                           |
            """)
    void apply_findsTheStateAStatementLeaves(String sql, String expected) {
        assertThat(reasonsAfter(sql)).isEqualTo(set(expected == null ? "" : expected));
    }

    @ParameterizedTest(name = "{0} then {1}")
    @CsvSource(delimiter = '|', textBlock = """
            SET search_path = app                      | RESET search_path
            SET search_path = app; SET TimeZone = UTC  | RESET ALL
            SET statement_timeout = 5                  | RESET statement_timeout
            SET SCHEMA 'app'                           | RESET search_path
            SET ROLE x                                 | RESET ROLE
            SET SESSION AUTHORIZATION bob              | RESET SESSION AUTHORIZATION
            LISTEN jobs                                | UNLISTEN jobs
            LISTEN a; LISTEN b                         | UNLISTEN *
            LISTEN "Jobs"                              | UNLISTEN "Jobs"
            LISTEN jobs                                | UNLISTEN "jobs"
            SELECT pg_advisory_lock(1)                 | SELECT pg_advisory_unlock_all()
            CREATE TEMP TABLE t (id int)               | DISCARD TEMP
            DECLARE c CURSOR WITH HOLD FOR SELECT 1    | CLOSE c
            DECLARE c CURSOR WITH HOLD FOR SELECT 1    | CLOSE ALL
            PREPARE q AS SELECT 1                      | DEALLOCATE q
            PREPARE q AS SELECT 1                      | DEALLOCATE PREPARE ALL
            SET a = 1; LISTEN b; SELECT pg_advisory_lock(1); CREATE TEMP TABLE t (i int) | DISCARD ALL
            """)
    void apply_unpinsWhenTheStateIsGone(String leave, String undo) {
        assertThat(reasonsAfter(leave)).isNotEmpty();
        assertThat(reasonsAfter(leave, undo)).isEmpty();
    }

    @ParameterizedTest(name = "{0} then {1}")
    @CsvSource(delimiter = '|', textBlock = """
            LISTEN "Jobs"; LISTEN jobs                 | UNLISTEN jobs
            SET a = 1; SET b = 2                       | RESET a
            DECLARE c1 CURSOR WITH HOLD FOR SELECT 1; DECLARE c2 CURSOR WITH HOLD FOR SELECT 1 | CLOSE c1
            SELECT pg_advisory_lock(1)                 | SELECT pg_advisory_unlock(1)
            SET search_path = x                        | SET LOCAL search_path = y
            """)
    void apply_staysPinnedWhileSomeStateIsLeft(String leave, String undo) {
        assertThat(reasonsAfter(leave, undo)).isNotEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            SELECT abalance FROM pgbench_accounts WHERE aid = 42; | false
            UPDATE t SET x = 1                                    | true
            /*c*/Listen x                                         | true
            SELECT PG_ADVISORY_LOCK(1)                            | true
            SELECT settings, offset1, x_set, set1, $set FROM t    | false
            INSERT INTO h VALUES (1)                              | false
            CREATE TABLE t (a int)                                | false
            CREATE TEMP TABLE t (a int)                           | true
            SELECT 1 INTO TEMPORARY t                             | true
            set                                                   | true
            SELECT 'é'; RESET ALL                                 | true
            SELECT ésET, setç FROM t                              | false
            SELECT pg_try_advisory_lock_shared(1)                 | true
            SELECT pg_try_advisory_lock_sharedx(1)                | false
            """)
    void mentionsState_filtersOnlyQueriesWithoutAWordTheRulesActOn(String sql, boolean mentions) {
        assertThat(new SessionState().mentionsState(sql)).isEqualTo(mentions);
        ByteBuf bytes = Unpooled.copiedBuffer(sql, StandardCharsets.UTF_8);
        try {
            assertThat(new SessionState().mentionsState(bytes)).isEqualTo(mentions);
        } finally {
            bytes.release();
        }
    }

    @Test
    void apply_toAQuerysBytes_takesTheSameEffects() {
        SessionState state = new SessionState();
        ByteBuf sql = Unpooled.copiedBuffer("SELECT 1; SET work_mem = '64MB'; DISCARD ALL; LISTEN jobs", StandardCharsets.UTF_8);
        try {
            assertThat(state.apply(sql)).isTrue();   // DISCARD ALL drops the prepared statements
            assertThat(state.reasons()).containsExactly(PinReason.LISTEN);
        } finally {
            sql.release();
        }
    }

    @Test
    void apply_skipsStringsOfEveryKind() {
        assertThat(reasonsAfter("SELECT 'it''s; LISTEN y'")).isEmpty();
        assertThat(reasonsAfter("SELECT E'it\\'s; LISTEN y'")).isEmpty();
        assertThat(reasonsAfter("SELECT E'it\\'s'; LISTEN y")).containsExactly(PinReason.LISTEN);
        assertThat(reasonsAfter("SELECT $fn$ a; SET x = 1; $fn$, $1; LISTEN y")).containsExactly(PinReason.LISTEN);
        assertThat(reasonsAfter("SELECT \"a;b\" FROM t; SET x = 1")).containsExactly(PinReason.SET);
        assertThat(SqlTokens.statements("SELECT 'a;b', \"Q\"\"x\"; listen Y"))
                .containsExactly(java.util.List.of("select", "'", ",", "Q\"x"), java.util.List.of("listen", "y"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SELECT 'unterminated; LISTEN x
            SELECT $$ never closed; SET a = 1
            /* open comment; LISTEN x
            ;;;
            SELECT "unterminated
            """)
    void apply_takesMalformedTextWithoutFailing(String sql) {
        assertThat(reasonsAfter(sql)).isEmpty();
    }
}
