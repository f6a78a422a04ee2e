package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokenwarden.events.Platform;
import dev.tokenwarden.stack.oauth.FakeOAuthServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admission before the lock: one FIFO queue per provider, a refused job costs only its place. */
class ProviderGateTest {
    private static FakeOAuthServer fake;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() {
        fake = FakeOAuthServer.start();
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private ProviderGate gate(int concurrent, double perSecond) {
        return new ProviderGate(FakeProviders.settings(fake, Platform.OPENAI).withLimits(concurrent, perSecond), clock,
                timer);
    }

    @Test
    void shouldAdmitWaitersInArrivalOrderAsSlotsFree() throws Exception {
        ProviderGate gate = gate(2, 0);
        List<CompletableFuture<ProviderGate.Admission>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.add(gate.admit());
        }
        assertTrue(queued.get(0).isDone() && queued.get(1).isDone());
        assertFalse(queued.get(2).isDone(), "third waits for a slot");
        assertEquals(3, gate.waiting());

        permit(queued.get(0)).complete(null);
        assertTrue(queued.get(2).isDone(), "the oldest waiter gets the freed slot");
        assertFalse(queued.get(3).isDone());
        permit(queued.get(1)).close();
        assertTrue(queued.get(3).isDone());
        assertFalse(queued.get(4).isDone());
        assertEquals(2, gate.inFlight());
    }

    @Test
    void shouldKeepAWaiterQueuedUntilTheStartRateAllowsItThenAdmitItByItself() throws Exception {
        ProviderGate gate = gate(10, 1);
        ProviderGate.Permit first = permit(gate.admit());
        CompletableFuture<ProviderGate.Admission> second = gate.admit();
        assertFalse(second.isDone(), "the second start of this second waits");

        clock.advance(Duration.ofSeconds(1));
        ProviderGate.Permit admitted = assertInstanceOf(ProviderGate.Permit.class, second.get(5, TimeUnit.SECONDS));
        first.complete(null);
        admitted.complete(null);
        assertEquals(0, gate.inFlight());
    }

    @Test
    void shouldGiveTheStartBackWhenAPermitIsReturnedUnused() throws Exception {
        ProviderGate gate = gate(10, 1);
        permit(gate.admit()).close();

        assertInstanceOf(ProviderGate.Permit.class, gate.tryAcquire(), "an unused permit costs no rate");
    }

    @Test
    void shouldRefuseAtOnceWhileTheBreakerIsOpenWithoutQueueing() throws Exception {
        ProviderGate gate = gate(1, 0);
        permit(gate.admit()).complete(new RefreshOutcome.ProviderWide("invalid_client", "bad client"));

        RefreshOutcome.Refused refused = assertInstanceOf(RefreshOutcome.Refused.class,
                gate.admit().get(1, TimeUnit.SECONDS));
        assertEquals(RefreshOutcome.Refusal.BREAKER_OPEN, refused.reason());
        assertEquals(0, gate.waiting());
    }

    @Test
    void shouldEndEveryWaiterWhenClosed() throws Exception {
        ProviderGate gate = gate(1, 0);
        permit(gate.admit());
        CompletableFuture<ProviderGate.Admission> waiter = gate.admit();

        gate.close();

        RefreshOutcome.Refused refused = assertInstanceOf(RefreshOutcome.Refused.class, waiter.get(1, TimeUnit.SECONDS));
        assertEquals(RefreshOutcome.Refusal.STOPPING, refused.reason());
        assertEquals(RefreshOutcome.Refusal.STOPPING,
                assertInstanceOf(RefreshOutcome.Refused.class, gate.admit().get(1, TimeUnit.SECONDS)).reason());
    }

    @Test
    void shouldNotLetTryAcquireJumpTheQueue() throws Exception {
        ProviderGate gate = gate(1, 0);
        ProviderGate.Permit held = permit(gate.admit());
        CompletableFuture<ProviderGate.Admission> waiter = gate.admit();

        assertInstanceOf(RefreshOutcome.Refused.class, gate.tryAcquire());
        held.complete(null);
        assertInstanceOf(ProviderGate.Permit.class, waiter.get(1, TimeUnit.SECONDS));
    }

    private static ProviderGate.Permit permit(CompletableFuture<ProviderGate.Admission> admission) throws Exception {
        return assertInstanceOf(ProviderGate.Permit.class, admission.get(5, TimeUnit.SECONDS));
    }

    @Test
    void shouldRefuseAQueuedJobWhoseTaskClosedWithoutTakingItsSlot() throws Exception {
        // Given one slot taken, and a job of a task that then closes queued before a job of a task still open
        ProviderGate gate = gate(1, 0);
        ProviderGate.Permit first = (ProviderGate.Permit) gate.admit().get();
        AtomicBoolean movedTaskOpen = new AtomicBoolean(true);
        CompletableFuture<ProviderGate.Admission> moved = gate.admit(movedTaskOpen::get);
        CompletableFuture<ProviderGate.Admission> kept = gate.admit(() -> true);
        movedTaskOpen.set(false);

        // When the slot frees
        first.close();

        // Then the closed task's job is refused as such and the open task's job gets the slot
        RefreshOutcome.Refused refused = assertInstanceOf(RefreshOutcome.Refused.class, moved.get(5, TimeUnit.SECONDS));
        assertEquals(RefreshOutcome.Refusal.OWNER_CLOSED, refused.reason());
        assertInstanceOf(ProviderGate.Permit.class, kept.get(5, TimeUnit.SECONDS));
        assertEquals(1, gate.inFlight());
    }
}
