package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission to one provider: circuit breaker, then concurrency limit, then start rate. Never blocks:
 * the caller is a stream thread, so a refusal comes back at once with a reason and a retry-after to
 * reschedule by. Every {@link Permit} must be completed (or closed) exactly once.
 */
public final class ProviderGate {
    private static final Logger log = LoggerFactory.getLogger(ProviderGate.class);
    /** A slot frees when any call in flight ends; suggest a short re-check, not the whole timeout. */
    private static final Duration SATURATED_RETRY_CAP = Duration.ofSeconds(1);

    /** Either a {@link Permit} or a {@link RefreshOutcome.Refused}, which the caller can hand on as the outcome. */
    public sealed interface Admission permits Permit, RefreshOutcome.Refused {}

    private final Platform platform;
    private final int maxConcurrent;
    private final Semaphore slots;
    private final TokenBucket bucket; // null: unlimited
    private final CircuitBreaker breaker;
    private final Duration saturatedRetryAfter;

    public ProviderGate(ProviderSettings settings, Clock clock) {
        Objects.requireNonNull(clock, "clock");
        this.platform = settings.platform();
        this.maxConcurrent = settings.maxConcurrent();
        this.slots = new Semaphore(maxConcurrent);
        this.bucket = settings.maxPerSecond() > 0 ? new TokenBucket(settings.maxPerSecond(), clock) : null;
        this.breaker = new CircuitBreaker(settings.breakerOpenFor(), settings.attemptTimeout(), clock);
        Duration timeout = settings.attemptTimeout();
        this.saturatedRetryAfter = timeout.compareTo(SATURATED_RETRY_CAP) < 0 ? timeout : SATURATED_RETRY_CAP;
    }

    public Admission tryAcquire() {
        CircuitBreaker.Decision decision = breaker.tryAcquire();
        if (!decision.admitted()) {
            return new RefreshOutcome.Refused(RefreshOutcome.Refusal.BREAKER_OPEN, decision.retryAfter());
        }
        if (!slots.tryAcquire()) {
            breaker.record(decision.trial(), null);
            return new RefreshOutcome.Refused(RefreshOutcome.Refusal.SATURATED, saturatedRetryAfter);
        }
        Optional<Duration> wait = bucket == null ? Optional.empty() : bucket.tryTake();
        if (wait.isPresent()) {
            slots.release();
            breaker.record(decision.trial(), null);
            return new RefreshOutcome.Refused(RefreshOutcome.Refusal.RATE_LIMITED, wait.get());
        }
        return new Permit(decision.trial());
    }

    public CircuitBreaker.State breakerState() {
        return breaker.state();
    }

    /** Calls admitted and not yet completed. */
    public int inFlight() {
        return maxConcurrent - slots.availablePermits();
    }

    /** One admitted call. Completing twice is harmless; only the first completion counts. */
    public final class Permit implements Admission, AutoCloseable {
        private final boolean trial;
        private final AtomicBoolean done = new AtomicBoolean();

        private Permit(boolean trial) {
            this.trial = trial;
        }

        /** Frees the slot and lets the breaker learn from the outcome (null: the call was not made). */
        public void complete(RefreshOutcome outcome) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            slots.release();
            CircuitBreaker.State before = breaker.state();
            CircuitBreaker.State after = breaker.record(trial, outcome);
            if (before != after && after == CircuitBreaker.State.OPEN) {
                log.warn("{} provider breaker {} -> OPEN after {}", platform.json(), before, outcome);
            } else if (before != after) {
                log.info("{} provider breaker {} -> {} after {}", platform.json(), before, after, outcome);
            }
        }

        /** Gives the permit back without an outcome, e.g. when the call could not be started. */
        @Override
        public void close() {
            complete(null);
        }
    }
}
