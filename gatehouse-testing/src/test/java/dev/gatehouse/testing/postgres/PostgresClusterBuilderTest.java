package dev.gatehouse.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

final class PostgresClusterBuilderTest {

    @Test
    void defaults_100Connections_noRolesOrDatabases() {
        ClusterSpec spec = PostgresCluster.builder().spec();

        assertThat(spec.maxConnections()).isEqualTo(100);
        assertThat(spec.superuserReservedConnections()).isNull();
        assertThat(spec.roles()).isEmpty();
        assertThat(spec.databases()).isEmpty();
        assertThat(spec.postgresqlConf(15432, Path.of("/tmp/pg-x")))
                .contains("listen_addresses = '127.0.0.1'\n", "port = 15432\n", "unix_socket_directories = '/tmp/pg-x'\n",
                        "fsync = off\n", "max_connections = 100\n")
                .doesNotContain("superuser_reserved_connections");
    }

    @Test
    void settings_areWrittenAfterTheClustersOwn_quotedForPostgresqlConf() {
        String conf = PostgresCluster.builder().maxConnections(7).superuserReservedConnections(2)
                .setting("work_mem", "8MB").setting("search_path", "it's \\here").spec()
                .postgresqlConf(1, Path.of("/tmp/s"));

        assertThat(conf).contains("max_connections = 7\n", "superuser_reserved_connections = 2\n",
                "work_mem = '8MB'\n", "search_path = 'it''s \\\\here'\n");
        assertThat(conf.indexOf("work_mem")).isGreaterThan(conf.indexOf("fsync"));
    }

    @Test
    void pgHba_trustsPostgresOnTheSocketAndLoopback_eachRoleByItsMethod_nobodyElse() {
        String hba = PostgresCluster.builder().trustUser("tina").scramUser("sam", "s").md5User("mia", "m").spec().pgHbaConf();

        assertThat(hba.lines().filter(l -> !l.startsWith("#"))).containsExactly(
                "local all postgres trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all tina 127.0.0.1/32 trust",
                "host all sam 127.0.0.1/32 scram-sha-256",
                "host all mia 127.0.0.1/32 md5");
    }

    @Test
    void roles_areCreatedWithTheirPasswordQuoted() {
        ClusterSpec spec = PostgresCluster.builder().trustUser("tina").scramUser("sam", "it's").database("shop", "sam").spec();

        assertThat(spec.roles()).extracting(ClusterRole::createStatement)
                .containsExactly("CREATE ROLE tina LOGIN", "CREATE ROLE sam LOGIN PASSWORD 'it''s'");
        assertThat(spec.databases()).extracting(ClusterDatabase::createStatement).containsExactly("CREATE DATABASE shop OWNER sam");
    }

    @Test
    void aNameThatIsNotAPlainIdentifier_isRefusedWithTheName() {
        assertThatThrownBy(() -> PostgresCluster.builder().trustUser("Bad-Name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("role: \"Bad-Name\" (expected: [a-z_][a-z0-9_]*, at most 63 characters)");
        assertThatThrownBy(() -> PostgresCluster.builder().database("a;drop", "postgres"))
                .hasMessageStartingWith("database: \"a;drop\"");
        assertThatThrownBy(() -> PostgresCluster.builder().scramUser("x".repeat(64), "p"))
                .hasMessageStartingWith("role: \"xxxx");
        assertThatThrownBy(() -> PostgresCluster.builder().setting("work mem", "1"))
                .hasMessageStartingWith("setting: \"work mem\"");
    }

    @Test
    void badOrRepeatedArguments_failAtOnce_namingThem() {
        assertThatThrownBy(() -> PostgresCluster.builder().maxConnections(0))
                .hasMessage("maxConnections: 0 (expected: > 0)");
        assertThatThrownBy(() -> PostgresCluster.builder().maxConnections(5).maxConnections(6))
                .hasMessage("maxConnections was already set to 5");
        assertThatThrownBy(() -> PostgresCluster.builder().superuserReservedConnections(-1))
                .hasMessage("superuserReservedConnections: -1 (expected: >= 0)");
        assertThatThrownBy(() -> PostgresCluster.builder().trustUser("a").md5User("a", "p"))
                .hasMessage("role a was already added");
        assertThatThrownBy(() -> PostgresCluster.builder().trustUser("postgres"))
                .hasMessageContaining("the superuser exists already");
        assertThatThrownBy(() -> PostgresCluster.builder().scramUser("a", ""))
                .hasMessage("password of role a (expected: not empty, no NUL)");
        assertThatThrownBy(() -> PostgresCluster.builder().database("template1", "postgres"))
                .hasMessageContaining("initdb made it");
        assertThatThrownBy(() -> PostgresCluster.builder().database("d", "postgres").database("d", "postgres"))
                .hasMessage("database d was already added");
        assertThatThrownBy(() -> PostgresCluster.builder().setting("port", "5432"))
                .hasMessageStartingWith("setting: \"port\" (expected: none of");
        assertThatThrownBy(() -> PostgresCluster.builder().setting("work_mem", "1MB").setting("work_mem", "2MB"))
                .hasMessage("setting work_mem was already set to \"1MB\"");
        assertThatThrownBy(() -> PostgresCluster.builder().setting("work_mem", "1MB\nport = 1"))
                .hasMessageStartingWith("value of setting work_mem: ");
    }

    @Test
    void whatOnlyTheWholeDescriptionShows_failsOnStart_beforeAnythingIsMade() {
        assertThatThrownBy(() -> PostgresCluster.builder().maxConnections(3).superuserReservedConnections(3).start())
                .hasMessage("superuserReservedConnections: 3 (expected: >= 0 and < maxConnections, 3)");
        assertThatThrownBy(() -> PostgresCluster.builder().maxConnections(3).start())
                .hasMessageStartingWith("maxConnections: 3 (expected: > 3, PostgreSQL's default superuser_reserved_connections;");
        assertThat(PostgresCluster.builder().maxConnections(1).superuserReservedConnections(0).spec().maxConnections()).isEqualTo(1);
        assertThatThrownBy(() -> PostgresCluster.builder().database("shop", "nobody").trustUser("tina").start())
                .hasMessageStartingWith("owner of database shop: \"nobody\" (expected: postgres or a role of the cluster");
    }
}
