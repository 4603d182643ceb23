package dev.gatehouse.core.admission;

import static dev.gatehouse.core.admission.Fixtures.FIRST;
import static dev.gatehouse.core.admission.Fixtures.GET;
import static dev.gatehouse.core.admission.Fixtures.fixed;
import static dev.gatehouse.core.admission.Fixtures.granted;
import static dev.gatehouse.core.admission.Fixtures.members;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.time.FakeClock;
import dev.gatehouse.core.admission.Fixtures.RecordingWaiter;
import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.config.AdmissionConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hold of a strict cutover: every new request waits, none is placed, until the release. */
final class HoldTest {

    private final FakeClock clock = new FakeClock();

    /** A waiter that also records rejections. */
    private static final class Rejectable extends RecordingWaiter {
        final List<String> rejections = new ArrayList<>();

        Rejectable(String name) {
            super(name);
        }

        @Override
        public void rejected(String reason) {
            rejections.add(reason);
        }
    }

    @Test
    void heldRequests_areQueued_thenPlacedInOrderOnTheCandidatesOfTheRelease() {
        PoolAdmission admission = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock);
        List<Member> old = members(1);
        List<Member> fresh = members(2);
        admission.hold();
        RecordingWaiter a = new RecordingWaiter("a");
        RecordingWaiter b = new RecordingWaiter("b");

        assertThat(admission.admit(old, FIRST, GET, null, a)).isInstanceOf(Admit.Queued.class);
        assertThat(admission.admit(old, FIRST, GET, null, b)).isInstanceOf(Admit.Queued.class);
        assertThat(admission.queueLength()).isEqualTo(2);
        assertThat(old.get(0).load().inFlight()).as("nothing placed while held").isZero();

        assertThat(admission.release(fresh, FIRST)).isEqualTo(2);

        assertThat(a.ticket().member()).isSameAs(fresh.get(0));
        assertThat(b.ticket().member()).isSameAs(fresh.get(0));
        assertThat(admission.holding()).isFalse();
        assertThat(admission.queueLength()).isZero();
    }

    @Test
    void aRetry_isRejectedWhileHolding_neverHeld() {
        PoolAdmission admission = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock);
        admission.hold();

        Admit a = admission.admit(members(1), FIRST, GET, null, new RecordingWaiter("retry"), true);

        assertThat(a).isInstanceOfSatisfying(Admit.Rejected.class, r -> assertThat(r.reason()).contains("strict cutover"));
        assertThat(admission.queueLength()).isZero();
    }

    @Test
    void aHeldRequestThatLeaves_isCancelled() {
        PoolAdmission admission = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock);
        admission.hold();
        RecordingWaiter gone = new RecordingWaiter("gone");
        admission.admit(members(1), FIRST, GET, null, gone);

        assertThat(admission.cancel(gone)).isTrue();
        assertThat(admission.release(members(1), FIRST)).isZero();
        assertThat(gone.grants).isEmpty();
    }

    @Test
    void withLimits_theQueueJoinsTheHold_andNoSlotIsGrantedUntilTheRelease() {
        PoolAdmission admission = PoolAdmission.create(fixed(1, 10), clock);
        List<Member> old = members(1);
        Ticket busy = granted(admission.admit(old, FIRST, GET, null, new RecordingWaiter("busy")));
        RecordingWaiter queued = new RecordingWaiter("queued");
        assertThat(admission.admit(old, FIRST, GET, null, queued)).isInstanceOf(Admit.Queued.class);

        admission.hold();
        busy.release(1_000_000, Outcome.SUCCESS);
        assertThat(queued.grants).as("a freed old slot does not go to a queued request during the hold").isEmpty();

        List<Member> fresh = members(1);
        admission.release(fresh, FIRST);
        assertThat(queued.ticket().member()).isSameAs(fresh.get(0));
    }

    @Test
    void aHeldRequestWithNowhereToGo_isToldItWasRejected() {
        PoolAdmission admission = PoolAdmission.create(AdmissionConfig.UNLIMITED, clock);
        admission.hold();
        Rejectable w = new Rejectable("w");
        admission.admit(members(1), FIRST, GET, null, w);

        admission.release(List.of(), FIRST);

        assertThat(w.rejections).containsExactly("no backend");
        assertThat(w.grants).isEmpty();
    }
}
