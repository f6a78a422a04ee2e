package dev.tokenwarden.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private static final Duration OPEN_FOR = Duration.ofSeconds(60);
    private static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(5);
    private static final RefreshOutcome PROVIDER_WIDE = new RefreshOutcome.ProviderWide("invalid_client", "");
    private static final RefreshOutcome REFRESHED = new RefreshOutcome.Refreshed(Map.of("access_token", "x"), Instant.EPOCH);
    private static final RefreshOutcome TRANSIENT = new RefreshOutcome.Transient("timeout", null);

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final CircuitBreaker breaker = new CircuitBreaker(OPEN_FOR, TRIAL_TIMEOUT, clock);

    @Test
    void shouldAdmitEveryCallWhenClosed() {
        assertTrue(breaker.tryAcquire().admitted());
        assertTrue(breaker.tryAcquire().admitted());
        assertEquals(CircuitBreaker.State.CLOSED, breaker.record(false, TRANSIENT));
    }

    @Test
    void shouldRefuseUntilOpenPeriodEndsWhenProviderWideErrorArrives() {
        breaker.record(false, PROVIDER_WIDE);
        clock.advance(Duration.ofSeconds(45));

        CircuitBreaker.Decision decision = breaker.tryAcquire();

        assertFalse(decision.admitted());
        assertEquals(Duration.ofSeconds(15), decision.retryAfter());
    }

    @Test
    void shouldAdmitOneTrialWhenOpenPeriodHasPassed() {
        breaker.record(false, PROVIDER_WIDE);
        clock.advance(OPEN_FOR);

        CircuitBreaker.Decision trial = breaker.tryAcquire();
        CircuitBreaker.Decision second = breaker.tryAcquire();

        assertTrue(trial.admitted() && trial.trial());
        assertFalse(second.admitted());
        assertEquals(TRIAL_TIMEOUT, second.retryAfter());
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
    }

    @Test
    void shouldCloseWhenTrialGetsAnAnswerAboutTheAccount() {
        breaker.record(false, PROVIDER_WIDE);
        clock.advance(OPEN_FOR);
        breaker.tryAcquire();

        assertEquals(CircuitBreaker.State.CLOSED, breaker.record(true, new RefreshOutcome.InvalidGrant("invalid_grant", "")));
    }

    @Test
    void shouldReopenWhenTrialGetsProviderWideError() {
        breaker.record(false, PROVIDER_WIDE);
        clock.advance(OPEN_FOR);
        breaker.tryAcquire();

        assertEquals(CircuitBreaker.State.OPEN, breaker.record(true, PROVIDER_WIDE));
        assertEquals(OPEN_FOR, breaker.tryAcquire().retryAfter());
    }

    @Test
    void shouldFreeTrialSlotWhenTrialFailsTransiently() {
        breaker.record(false, PROVIDER_WIDE);
        clock.advance(OPEN_FOR);
        breaker.tryAcquire();

        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.record(true, TRANSIENT));
        assertTrue(breaker.tryAcquire().trial());
    }

    @Test
    void shouldAdmitNewTrialWhenTrialNeverReportsBack() {
        breaker.record(false, PROVIDER_WIDE);
        clock.advance(OPEN_FOR);
        breaker.tryAcquire();
        clock.advance(TRIAL_TIMEOUT);

        assertTrue(breaker.tryAcquire().trial());
    }

    @Test
    void shouldIgnoreLateSuccessWhenItWasNotTheTrial() {
        breaker.record(false, PROVIDER_WIDE);

        assertEquals(CircuitBreaker.State.OPEN, breaker.record(false, REFRESHED));
        clock.advance(OPEN_FOR);
        breaker.tryAcquire();
        assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.record(false, REFRESHED));
    }

    @Test
    void shouldKeepLongerOpenPeriodWhenAnotherProviderWideErrorArrives() {
        CircuitBreaker.Snapshot open = new CircuitBreaker.Snapshot(CircuitBreaker.State.OPEN, Instant.parse("2030-01-01T01:00:00Z"));

        CircuitBreaker.Snapshot next = CircuitBreaker.afterOutcome(open, false, PROVIDER_WIDE, clock.instant(), OPEN_FOR);

        assertEquals(open, next);
    }

    @Test
    void shouldTimeTheTrialFromItsCallNotFromItsAdmissionWhenTheTrialWaitedForALock() {
        // Given a half-open trial admitted, which then waited longer than the trial timeout for a lock
        breaker.record(false, PROVIDER_WIDE);
        clock.advance(OPEN_FOR);
        assertTrue(breaker.tryAcquire().trial());
        clock.advance(TRIAL_TIMEOUT.plusSeconds(1));

        // When its call starts
        breaker.trialStarted();

        // Then no second trial is let through while it runs
        assertFalse(breaker.tryAcquire().admitted());
        clock.advance(TRIAL_TIMEOUT.minusSeconds(1));
        assertFalse(breaker.tryAcquire().admitted());
    }
}
