package dev.gatehouse.postgres.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.postgres.extended.PreparedStatements.ToServer;
import java.util.List;
import org.junit.jupiter.api.Test;

final class PreparedStatementsTest {

    private static final StatementKey SELECT = new StatementKey("SELECT * FROM t WHERE id = $1", new int[] {23});
    private static final StatementKey INSERT = new StatementKey("INSERT INTO t VALUES ($1)", new int[] {0});

    private final PreparedStatements alice = new PreparedStatements(100, 1 << 20);
    private final PreparedStatements bob = new PreparedStatements(100, 1 << 20);
    private final ServerStatements server1 = new ServerStatements(100);
    private final ServerStatements server2 = new ServerStatements(100);
    private final ResponseSequencer seq = new ResponseSequencer();

    @Test
    void parse_isSentUnderTheFrontDoorsName_andAnsweredWhenTheServerHasIt() {
        PreparedStatements.Plan first = alice.parse("S_1", SELECT, server1, seq);
        assertThat(first.toServer()).containsExactly(new ToServer.Parse("gh_1", SELECT));
        assertThat(first.toClient()).isEmpty();
        seq.onServer('1');

        PreparedStatements.Plan second = bob.parse("stmt", SELECT, server1, seq);
        assertThat(second.toServer()).isEmpty();
        assertThat(second.toClient()).containsExactly(Synthetic.PARSE_COMPLETE);
    }

    @Test
    void bind_onAConnectionWithoutTheStatementPreparesItFirst() {
        alice.parse("S_1", SELECT, server1, seq);
        seq.onServer('1');

        PreparedStatements.Plan plan = alice.use("S_1", Expect.BIND, server2, seq);

        assertThat(plan.toServer()).containsExactly(new ToServer.Parse("gh_1", SELECT), new ToServer.Forward("gh_1"));
        assertThat(seq.onServer('1').forward()).isFalse();
        assertThat(seq.onServer('2').forward()).isTrue();
        assertThat(alice.use("S_1", Expect.DESCRIBE_STATEMENT, server2, seq).toServer())
                .containsExactly(new ToServer.Forward("gh_1"));
    }

    @Test
    void unnamedAndUnknownStatements_goThroughAsTheyAre() {
        assertThat(alice.parse("", SELECT, server1, seq).toServer()).containsExactly(new ToServer.Forward(null));
        assertThat(alice.use("", Expect.BIND, server1, seq).toServer()).containsExactly(new ToServer.Forward(null));
        assertThat(alice.use("never", Expect.BIND, server1, seq).toServer()).containsExactly(new ToServer.Forward(null));
        assertThat(alice.close("", seq).toServer()).containsExactly(new ToServer.Forward(null));
        assertThat(server1.size()).isZero();
    }

    @Test
    void close_isAnsweredAndTheServerKeepsTheStatement() {
        alice.parse("S_1", SELECT, server1, seq);
        seq.onServer('1');

        PreparedStatements.Plan plan = alice.close("S_1", seq);

        assertThat(plan.toServer()).isEmpty();
        assertThat(plan.toClient()).containsExactly(Synthetic.CLOSE_COMPLETE);
        assertThat(alice.size()).isZero();
        assertThat(server1.nameOf(SELECT)).isEqualTo("gh_1");
    }

    @Test
    void cacheFull_closesTheLeastRecentlyUsedStatement() {
        ServerStatements small = new ServerStatements(1);
        alice.parse("a", SELECT, small, seq);

        PreparedStatements.Plan plan = alice.parse("b", INSERT, small, seq);

        assertThat(plan.toServer()).containsExactly(new ToServer.Close("gh_1"), new ToServer.Parse("gh_2", INSERT));
        seq.onServer('1');
        assertThat(seq.onServer('3').forward()).isFalse();
        assertThat(seq.onServer('1').forward()).isTrue();
        assertThat(seq.idle()).isTrue();
    }

    @Test
    void failedParse_isForgottenOnBothSides() {
        alice.parse("S_1", SELECT, server1, seq);
        seq.expect(Expect.SYNC);

        seq.onServer('E');

        assertThat(server1.nameOf(SELECT)).isNull();
        assertThat(alice.use("S_1", Expect.BIND, server1, seq).toServer()).containsExactly(new ToServer.Forward(null));
    }

    @Test
    void answeredParseAfterAnError_isUndone() {
        alice.parse("first", SELECT, server1, seq);
        seq.onServer('1');
        seq.expect(Expect.EXECUTE);                 // fails
        PreparedStatements.Plan plan = bob.parse("mine", SELECT, server1, seq);
        assertThat(plan.toClient()).isEmpty();      // behind the execute
        seq.expect(Expect.SYNC);

        seq.onServer('E');

        assertThat(bob.size()).isZero();
    }

    @Test
    void limits_areEnforced() {
        PreparedStatements one = new PreparedStatements(1, 1 << 20);
        one.parse("a", SELECT, server1, seq);
        one.parse("a", INSERT, server1, seq);       // a redefinition stays within one
        assertThatThrownBy(() -> one.parse("b", SELECT, server1, seq))
                .isInstanceOf(StatementLimitException.class).hasMessageContaining("\"b\"");

        PreparedStatements light = new PreparedStatements(100, 100);
        assertThatThrownBy(() -> light.parse("big", new StatementKey("x".repeat(100), new int[0]), server1, seq))
                .isInstanceOf(StatementLimitException.class);
        assertThat(List.of(light.size())).containsExactly(0);
    }
}
