package dev.gatehouse.postgres.extended;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ResponseSequencerTest {

    private final ResponseSequencer seq = new ResponseSequencer();
    private final List<String> events = new ArrayList<>();

    private Runnable note(String event) {
        return () -> events.add(event);
    }

    private static ResponseSequencer.Step forwarded() {
        return new ResponseSequencer.Step(List.of(), true, List.of());
    }

    @Test
    void extendedBatch_answersGoThroughAndEndIdle() {
        seq.expect(Expect.PARSE, note("parsed"), note("parse skipped"));
        seq.expect(Expect.BIND);
        seq.expect(Expect.DESCRIBE_PORTAL);
        seq.expect(Expect.EXECUTE);
        seq.expect(Expect.SYNC);

        for (char type : "12TDDCZ".toCharArray()) {
            assertThat(seq.idle()).isFalse();
            assertThat(seq.onServer(type)).isEqualTo(forwarded());
        }
        assertThat(seq.idle()).isTrue();
        assertThat(events).containsExactly("parsed");
    }

    @Test
    void answer_goesOutInItsPlaceInTheOrder() {
        assertThat(seq.answer(Synthetic.PARSE_COMPLETE, note("skipped"))).containsExactly(Synthetic.PARSE_COMPLETE);

        seq.expect(Expect.BIND);
        assertThat(seq.answer(Synthetic.CLOSE_COMPLETE, note("skipped"))).isEmpty();
        seq.expect(Expect.SYNC);

        assertThat(seq.onServer('2')).isEqualTo(new ResponseSequencer.Step(List.of(), true, List.of(Synthetic.CLOSE_COMPLETE)));
        assertThat(seq.onServer('Z')).isEqualTo(forwarded());
        assertThat(seq.idle()).isTrue();
        assertThat(events).isEmpty();
    }

    @Test
    void swallowed_answersAreDropped() {
        seq.swallow(Expect.PARSE, note("injected parse done"), note("injected parse failed"));
        seq.expect(Expect.BIND);

        assertThat(seq.onServer('1').forward()).isFalse();
        assertThat(seq.onServer('2').forward()).isTrue();
        assertThat(events).containsExactly("injected parse done");
    }

    @Test
    void error_skipsEverythingUpToTheSync() {
        seq.expect(Expect.PARSE, note("parsed"), note("parse failed"));
        seq.expect(Expect.BIND, note("bound"), note("bind skipped"));
        seq.answer(Synthetic.CLOSE_COMPLETE, note("close skipped"));
        seq.expect(Expect.SYNC);
        seq.expect(Expect.QUERY);

        assertThat(seq.onServer('E')).isEqualTo(forwarded());
        assertThat(events).containsExactly("parse failed", "bind skipped", "close skipped");
        assertThat(seq.onServer('Z')).isEqualTo(forwarded());
        assertThat(seq.idle()).isFalse();   // the simple query after the Sync is answered
        seq.onServer('T');
        seq.onServer('C');
        seq.onServer('Z');
        assertThat(seq.idle()).isTrue();
    }

    @Test
    void error_beforeTheClientsSyncSkipsWhatComesUntilIt() {
        seq.expect(Expect.PARSE, note("parsed"), note("parse failed"));
        seq.onServer('E');

        assertThat(seq.idle()).isFalse();
        assertThat(seq.answer(Synthetic.PARSE_COMPLETE, note("answer skipped"))).isEmpty();
        seq.expect(Expect.BIND, note("bound"), note("bind skipped"));
        seq.expect(Expect.QUERY, note("queried"), note("query skipped"));
        seq.expect(Expect.SYNC);
        seq.onServer('Z');

        assertThat(seq.idle()).isTrue();
        assertThat(events).containsExactly("parse failed", "answer skipped", "bind skipped", "query skipped");
    }

    @Test
    void simpleQueryError_skipsNothing() {
        seq.expect(Expect.QUERY);
        seq.expect(Expect.QUERY);

        seq.onServer('E');
        seq.onServer('Z');
        assertThat(seq.idle()).isFalse();
        seq.onServer('C');
        seq.onServer('Z');
        assertThat(seq.idle()).isTrue();
    }

    @Test
    void describeStatement_endsAtItsRowDescriptionOrNoData() {
        seq.expect(Expect.DESCRIBE_STATEMENT);
        seq.expect(Expect.DESCRIBE_STATEMENT);
        seq.expect(Expect.SYNC);

        for (char type : "tTtnZ".toCharArray()) {
            seq.onServer(type);
        }
        assertThat(seq.idle()).isTrue();
    }

    @Test
    void asynchronousMessages_goThroughAtAnyTime() {
        assertThat(seq.onServer('N')).isEqualTo(forwarded());
        seq.expect(Expect.SYNC);
        assertThat(seq.onServer('S')).isEqualTo(forwarded());
        assertThat(seq.onServer('A')).isEqualTo(forwarded());
        assertThat(seq.idle()).isFalse();
        seq.onServer('Z');
        assertThat(seq.idle()).isTrue();
    }

    @Test
    void unaskedAnswer_isAnError_butAFatalErrorGoesThrough() {
        assertThat(seq.onServer('E')).isEqualTo(forwarded());
        assertThatThrownBy(() -> seq.onServer('D')).hasMessageContaining("with nothing pending");
    }
}
