package dev.tokenwarden.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stops all calls to a provider after a provider-wide error (bad client id, secret or scope): every
 * account would get the same answer, and hammering the endpoint risks the client being blocked.
 * CLOSED → OPEN on {@link RefreshOutcome.ProviderWide}; OPEN refuses for {@code openFor}; then HALF_OPEN
 * admits one trial: an answer about the account (refreshed or invalid grant) proves the client config
 * and closes, a provider-wide error re-opens, a transient failure frees the slot for the next trial.
 * Transient errors never open it: retries and cooldowns handle those per account.
 *
 * <p>The transitions are pure functions ({@link #admit}, {@link #afterOutcome}); this class only
 * applies them with compare-and-set.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    /**
     * @param until OPEN: end of the open period; HALF_OPEN: deadline of the trial in flight, null when
     *              none is; CLOSED: null. A trial that never reports back expires at its deadline, so a
     *              lost permit cannot wedge the breaker (the Nango #1005 failure mode).
     */
    record Snapshot(State state, Instant until) {
        static final Snapshot CLOSED = new Snapshot(State.CLOSED, null);
    }

    /** @param retryAfter zero when admitted */
    public record Decision(boolean admitted, boolean trial, Duration retryAfter) {}

    record Step(Snapshot next, Decision decision) {}

    private final Duration openFor;
    private final Duration trialTimeout;
    private final Clock clock;
    private final AtomicReference<Snapshot> state = new AtomicReference<>(Snapshot.CLOSED);

    /** @param trialTimeout how long a half-open trial may stay unanswered; the attempt timeout fits */
    public CircuitBreaker(Duration openFor, Duration trialTimeout, Clock clock) {
        this.openFor = Objects.requireNonNull(openFor, "openFor");
        this.trialTimeout = Objects.requireNonNull(trialTimeout, "trialTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Decision tryAcquire() {
        while (true) {
            Snapshot current = state.get();
            Step step = admit(current, clock.instant(), trialTimeout);
            if (state.compareAndSet(current, step.next())) {
                return step.decision();
            }
        }
    }

    /**
     * The half-open trial's call starts now: its deadline is moved to now plus the trial timeout. A trial admitted long
     * before its call (it waited for a lock) would otherwise expire while still to come, and admit a second trial.
     */
    public void trialStarted() {
        state.updateAndGet(current -> current.state() == State.HALF_OPEN && current.until() != null
                ? new Snapshot(State.HALF_OPEN, clock.instant().plus(trialTimeout)) : current);
    }

    /** Without changing anything: how long until a call may be admitted, when none may be now. */
    public java.util.Optional<Duration> refusal() {
        Decision decision = admit(state.get(), clock.instant(), trialTimeout).decision();
        return decision.admitted() ? java.util.Optional.empty() : java.util.Optional.of(decision.retryAfter());
    }

    /**
     * @param trial   whether the call was admitted as the half-open trial
     * @param outcome null when the admitted call was abandoned before it reached the provider
     * @return the state afterwards
     */
    public State record(boolean trial, RefreshOutcome outcome) {
        return state.updateAndGet(current -> afterOutcome(current, trial, outcome, clock.instant(), openFor)).state();
    }

    public State state() {
        return state.get().state();
    }

    static Step admit(Snapshot current, Instant now, Duration trialTimeout) {
        boolean waiting = current.until() != null && now.isBefore(current.until());
        return switch (current.state()) {
            case CLOSED -> new Step(current, new Decision(true, false, Duration.ZERO));
            case OPEN, HALF_OPEN -> waiting
                    ? new Step(current, new Decision(false, false, Duration.between(now, current.until())))
                    : new Step(new Snapshot(State.HALF_OPEN, now.plus(trialTimeout)), new Decision(true, true, Duration.ZERO));
        };
    }

    static Snapshot afterOutcome(Snapshot current, boolean trial, RefreshOutcome outcome, Instant now, Duration openFor) {
        if (outcome instanceof RefreshOutcome.ProviderWide) {
            Instant until = now.plus(openFor);
            boolean longerAlready = current.state() == State.OPEN && current.until().isAfter(until);
            return longerAlready ? current : new Snapshot(State.OPEN, until);
        }
        if (!trial || current.state() != State.HALF_OPEN) {
            return current; // only the trial's answer moves a half-open breaker; late answers are stale
        }
        boolean clientAccepted = outcome instanceof RefreshOutcome.Refreshed || outcome instanceof RefreshOutcome.InvalidGrant;
        return clientAccepted ? Snapshot.CLOSED : new Snapshot(State.HALF_OPEN, null);
    }
}
