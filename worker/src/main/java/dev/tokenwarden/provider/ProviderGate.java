package dev.tokenwarden.provider;

import dev.tokenwarden.events.Platform;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission to one provider: circuit breaker, then concurrency limit, then start rate. Never blocks a thread.
 *
 * <p>{@link #admit()} is the worker's way in: jobs wait their turn in one FIFO queue per provider and
 * are admitted before they touch Redis or PostgreSQL, so a herd holds at most {@code max-concurrent} locks and
 * reads, and a refused job costs nothing but its place in the queue. A gate asked after the lock and the read
 * would re-run both on every refusal: about 31 lock cycles per refresh in a cold herd. {@link #tryAcquire()}
 * answers at once, for callers that cannot wait. Every {@link Permit} must be completed (or closed) exactly once.
 */
public final class ProviderGate {
    private static final Logger log = LoggerFactory.getLogger(ProviderGate.class);
    /** A slot frees when any call in flight ends; suggest a short re-check, not the whole timeout. */
    private static final Duration SATURATED_RETRY_CAP = Duration.ofSeconds(1);
    /** The earliest a closing gate's waiters are told to come back; nobody resumes them in this process. */
    private static final Duration STOPPING_RETRY = Duration.ofSeconds(1);

    /** Either a {@link Permit} or a {@link RefreshOutcome.Refused}, which the caller can hand on as the outcome. */
    public sealed interface Admission permits Permit, RefreshOutcome.Refused {}

    private final Platform platform;
    private final int maxConcurrent;
    private final TokenBucket bucket; // null: unlimited
    private final CircuitBreaker breaker;
    private final Duration saturatedRetryAfter;
    /** Wakes the queue when the start rate allows the next call; null: no waiting (tryAcquire only). */
    private final ScheduledExecutorService timer;

    // Guarded by this.
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

    /** A job in the queue, and whether the task that queued it still owns it. */
    private record Waiter(CompletableFuture<Admission> admission, BooleanSupplier owner) {
    }
    private int free;
    private boolean wakeScheduled;
    private boolean closed;

    public ProviderGate(ProviderSettings settings, Clock clock) {
        this(settings, clock, null);
    }

    /** @param timer schedules the queue's next admission when the start rate is used up; owned by the caller */
    public ProviderGate(ProviderSettings settings, Clock clock, ScheduledExecutorService timer) {
        Objects.requireNonNull(clock, "clock");
        this.platform = settings.platform();
        this.maxConcurrent = settings.maxConcurrent();
        this.free = maxConcurrent;
        this.bucket = settings.maxPerSecond() > 0 ? new TokenBucket(settings.maxPerSecond(), clock) : null;
        this.breaker = new CircuitBreaker(settings.breakerOpenFor(), settings.attemptTimeout(), clock);
        this.timer = timer;
        Duration timeout = settings.attemptTimeout();
        this.saturatedRetryAfter = timeout.compareTo(SATURATED_RETRY_CAP) < 0 ? timeout : SATURATED_RETRY_CAP;
    }

    /** At once: a permit, or why not now. Does not jump the queue of {@link #admit()}. */
    public Admission tryAcquire() {
        Optional<Duration> open = breaker.refusal();
        if (open.isPresent()) {
            return new RefreshOutcome.Refused(RefreshOutcome.Refusal.BREAKER_OPEN, open.get());
        }
        synchronized (this) {
            if (free == 0 || !waiting.isEmpty()) {
                return new RefreshOutcome.Refused(RefreshOutcome.Refusal.SATURATED, saturatedRetryAfter);
            }
            Optional<Duration> wait = bucket == null ? Optional.empty() : bucket.tryTake();
            if (wait.isPresent()) {
                return new RefreshOutcome.Refused(RefreshOutcome.Refusal.RATE_LIMITED, wait.get());
            }
            CircuitBreaker.Decision decision = breaker.tryAcquire();
            if (!decision.admitted()) {
                refundStart();
                return new RefreshOutcome.Refused(RefreshOutcome.Refusal.BREAKER_OPEN, decision.retryAfter());
            }
            free--;
            return new Permit(decision.trial());
        }
    }

    /**
     * Completes, in arrival order, with a permit once a slot and a start are free; at once with a refusal while the
     * breaker is open (the caller comes back after its retry-after, never holding a lock meanwhile). The future is
     * completed on whichever thread frees the slot or on the gate's timer: callers continue asynchronously.
     */
    public CompletableFuture<Admission> admit() {
        return admit(() -> true);
    }

    /**
     * As {@link #admit()}; when the job's turn comes and {@code owner} says its task closed meanwhile (its partition
     * moved), it is refused with {@link RefreshOutcome.Refusal#OWNER_CLOSED} and takes no slot: a herd queued before a
     * rebalance must not hold slots waiting on the new owner's locks while this worker's own jobs wait behind it.
     */
    public CompletableFuture<Admission> admit(BooleanSupplier owner) {
        Optional<Duration> open = breaker.refusal();
        if (open.isPresent()) {
            return CompletableFuture.completedFuture(
                    new RefreshOutcome.Refused(RefreshOutcome.Refusal.BREAKER_OPEN, open.get()));
        }
        if (timer == null) {
            return CompletableFuture.completedFuture(tryAcquire());
        }
        CompletableFuture<Admission> mine = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(stopping());
            }
            waiting.add(new Waiter(mine, owner));
        }
        admitWaiting();
        return mine;
    }

    /** Jobs queued for a permit now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /**
     * Admits queue heads while slots and starts are free. Futures are completed outside the monitor, so a
     * caller's continuation never runs while holding it.
     */
    private void admitWaiting() {
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            while (!waiting.isEmpty() && free > 0) {
                Waiter waiter = waiting.peek();
                CompletableFuture<Admission> head = waiter.admission();
                if (head.isDone()) { // given up by its caller
                    waiting.poll();
                    continue;
                }
                if (!waiter.owner().getAsBoolean()) {
                    waiting.poll();
                    completions.add(() -> head.complete(ownerClosed()));
                    continue;
                }
                Optional<Duration> wait = bucket == null ? Optional.empty() : bucket.tryTake();
                if (wait.isPresent()) {
                    wakeAfter(wait.get());
                    break;
                }
                waiting.poll();
                CircuitBreaker.Decision decision = breaker.tryAcquire();
                if (!decision.admitted()) {
                    refundStart();
                    var refused = new RefreshOutcome.Refused(RefreshOutcome.Refusal.BREAKER_OPEN, decision.retryAfter());
                    completions.add(() -> head.complete(refused));
                    continue;
                }
                free--;
                Permit permit = new Permit(decision.trial());
                completions.add(() -> {
                    if (!head.complete(permit)) {
                        permit.close();
                    }
                });
            }
        }
        completions.forEach(Runnable::run);
    }

    private void wakeAfter(Duration wait) {
        if (wakeScheduled || closed) {
            return;
        }
        wakeScheduled = true;
        try {
            timer.schedule(() -> {
                synchronized (this) {
                    wakeScheduled = false;
                }
                admitWaiting();
            }, Math.max(1, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            wakeScheduled = false; // the timer is shut down: close() ends the waiters
        }
    }

    /** A start taken for a call that was not made goes back, so a job that found nothing to do costs no rate. */
    private void refundStart() {
        if (bucket != null) {
            bucket.giveBack();
        }
    }

    /** Every waiter is refused; nothing is admitted afterwards. The owner of the timer shuts it down. */
    public void close() {
        List<CompletableFuture<Admission>> refused;
        synchronized (this) {
            closed = true;
            refused = new ArrayList<>();
            waiting.forEach(w -> refused.add(w.admission()));
            waiting.clear();
        }
        refused.forEach(f -> f.complete(stopping()));
    }

    private static RefreshOutcome.Refused ownerClosed() {
        return new RefreshOutcome.Refused(RefreshOutcome.Refusal.OWNER_CLOSED, Duration.ZERO);
    }

    private static RefreshOutcome.Refused stopping() {
        return new RefreshOutcome.Refused(RefreshOutcome.Refusal.STOPPING, STOPPING_RETRY);
    }

    public CircuitBreaker.State breakerState() {
        return breaker.state();
    }

    /** Calls admitted and not yet completed. */
    public synchronized int inFlight() {
        return maxConcurrent - free;
    }

    /** One admitted call. Completing twice is harmless; only the first completion counts. */
    public final class Permit implements Admission, AutoCloseable {
        private final boolean trial;
        private final AtomicBoolean done = new AtomicBoolean();

        private Permit(boolean trial) {
            this.trial = trial;
        }

        /**
         * The call starts now: a half-open trial's deadline runs from here, not from admission, so a trial that waited
         * on a lock does not expire and let a second trial through.
         */
        public void calling() {
            if (trial) {
                breaker.trialStarted();
            }
        }

        /**
         * The call was made: frees the slot and lets the breaker learn from the outcome (null: an answer that
         * teaches the breaker nothing, such as one about the account's own client).
         */
        public void complete(RefreshOutcome outcome) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            CircuitBreaker.State before = breaker.state();
            CircuitBreaker.State after = breaker.record(trial, outcome);
            if (before != after && after == CircuitBreaker.State.OPEN) {
                log.warn("{} provider breaker {} -> OPEN after {}", platform.json(), before, outcome);
            } else if (before != after) {
                log.info("{} provider breaker {} -> {} after {}", platform.json(), before, after, outcome);
            }
            freeSlot();
        }

        /** Gives the permit back unused (the call was not made): the slot and the start both return. */
        @Override
        public void close() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            breaker.record(trial, null);
            synchronized (ProviderGate.this) {
                refundStart();
            }
            freeSlot();
        }

        private void freeSlot() {
            synchronized (ProviderGate.this) {
                free++;
            }
            admitWaiting();
        }
    }
}
