package dev.tokenwarden.refresh;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.events.TraceContext;
import dev.tokenwarden.lock.AccountLocks;
import dev.tokenwarden.logs.TraceMdc;
import dev.tokenwarden.provider.Providers;
import dev.tokenwarden.retry.BackgroundPool;
import dev.tokenwarden.retry.TaskScope;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.StoreErrors;

/**
 * Runs refresh jobs off the stream thread, each as work of the stream task that started it ({@link TaskScope}): a
 * task's jobs for one account run one after another, jobs for different accounts side by side, and a job waiting
 * for a retry is a timer of its task, cancelled when the task closes. {@link AttemptOutcome.Again} is rescheduled,
 * never slept on.
 *
 * <p>Every job ends in exactly one way: done (its events handed to {@code onDone}), cancelled because its task closed
 * (nothing handed back: the partition's next owner resumes it from the changelog), or failed — an exception anywhere
 * in the attempt is counted, logged by class and handed back as done without a refresh, so the dedup memory never
 * keeps an account "in flight" for good (Nango #1005).
 */
public final class RefreshCoordinator implements RefreshJobs, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RefreshCoordinator.class);
    /** How long a forced refresh run ahead of its event stays joinable; an event read elsewhere never joins. */
    private static final Duration AHEAD_KEPT = Duration.ofMinutes(2);
    private static final int AHEAD_MAX = 10_000;

    private final BackgroundPool pool;
    private final RefreshAttempt attempt;
    private final RefreshCounters counters = new RefreshCounters();
    private final HeldAnswers held = new HeldAnswers();
    private final AheadIndex ahead = new AheadIndex(AHEAD_KEPT, AHEAD_MAX);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Clock clock;

    public RefreshCoordinator(AccountStore store, Providers providers, AccountLocks locks, RefreshSettings settings,
            Clock clock, int threads) {
        this.clock = clock;
        // A write after a provider answer is retried through a missing table too: the answer may be the only copy of
        // a rotated token, and the write lands once someone runs tokenwarden migrate.
        this.pool = new BackgroundPool("tokenwarden-refresh", threads, settings.initialBackoff(), settings.maxBackoff(),
                e -> StoreErrors.isTransient(e) || StoreErrors.isSchemaError(e));
        Duration maxWait = settings.lockLease().plus(RefreshSettings.LEASE_MARGIN);
        AccountLocking locking = new AccountLocking(locks, store, settings.lockLease(), maxWait, pool.executor(),
                pool.timer(), counters);
        OutcomeSettler settler = new OutcomeSettler(store, settings, clock, pool.writes(), counters);
        this.attempt = new RefreshAttempt(store, providers, locking, settler, held, clock, pool.executor(), counters,
                closing::get);
    }

    /**
     * Queues a job of {@code owner}'s task; {@code onDone} gets its final outcome on a pool thread (the caller hands it
     * back to its stream thread), unless the job was cancelled. Returns at once.
     */
    @Override
    public void submit(RefreshJob job, TaskScope owner, Consumer<AttemptOutcome.Done> onDone) {
        submit(job, owner, onDone, () -> { });
    }

    /**
     * Starts at once the forced refresh a 401's cooldown write asked for, as work of the upstream-rejected task that
     * wrote it, instead of waiting for its refresh-needed event to travel through Kafka. The event still goes out and
     * stays the job's durable record: when this worker's refresh path reads it, it joins this job
     * ({@link #submitOrJoin}); read elsewhere, it runs under the lock and the fence and finds the token refreshed.
     * Should the task's commit be lost, its next owner replays the 401 and finds the write committed (the cooldown
     * path's replay), so the run ahead never acts twice.
     *
     * @param trace the 401's trace, for the job's log lines; the outputs take the trace of the event that joins it
     * @param resumed the 401 was found already acted on by a previous owner: a spent token is a crash loss
     */
    public void runAhead(RefreshNeeded event, TraceContext trace, TaskScope owner, boolean resumed) {
        if (closing.get() || !owner.getAsBoolean()) {
            return;
        }
        AheadIndex.Entry entry = ahead.start(event.eventId(), clock.millis());
        if (entry == null) {
            return;
        }
        RefreshJob job = RefreshJob.of(event.accountId(), event.platform(),
                Duration.ofSeconds(event.refreshWindowSeconds()), event.observedTokenVersion(), event.force(),
                clock.instant(), trace);
        counters.ranAhead.increment();
        Runnable forget = owner.onClose(() -> ahead.forget(event.eventId(), entry));
        entry.outcome().whenComplete((done, error) -> forget.run());
        submit(resumed ? job.asResumed() : job, owner, entry.outcome()::complete, () -> entry.outcome().complete(null));
    }

    @Override
    public void submitOrJoin(String eventId, RefreshJob job, TaskScope owner, Consumer<AttemptOutcome.Done> onDone) {
        AheadIndex.Entry running = ahead.join(eventId, clock.millis());
        if (running == null) {
            submit(job, owner, onDone);
            return;
        }
        counters.joinedAhead.increment();
        inFlight.incrementAndGet();
        running.outcome().whenComplete((done, error) -> {
            inFlight.decrementAndGet();
            if (!owner.getAsBoolean()) {
                counters.cancelled.increment(); // the task closed meanwhile: its next owner replays the event
            } else if (done != null) {
                onDone.accept(done);
            } else {
                submit(job, owner, onDone); // the run ahead was cancelled: this event's own pass decides
            }
        });
    }

    private void submit(RefreshJob job, TaskScope owner, Consumer<AttemptOutcome.Done> onDone, Runnable onCancelled) {
        inFlight.incrementAndGet();
        owner.inOrder(job.accountId(), () -> execute(job, owner)).whenComplete((done, error) -> {
            inFlight.decrementAndGet();
            if (error != null) {
                counters.failedJobs.increment();
                try (TraceMdc.Scope traced = TraceMdc.open(job.trace())) {
                    log.error("account {}: refresh job ended in an error ({}); finished without a refresh",
                            job.accountId(), describe(error));
                }
                onDone.accept(AttemptOutcome.Done.quietly(null, "error: " + describe(error)));
            } else if (done != null) {
                onDone.accept(done);
            } else {
                counters.cancelled.increment();
                onCancelled.run();
            }
        });
    }

    /** Completes with the final Done, or with null when the job was cancelled. */
    private CompletableFuture<AttemptOutcome.Done> execute(RefreshJob job, TaskScope owner) {
        return CompletableFuture.supplyAsync(() -> attempt.run(job, owner), TraceMdc.on(pool.executor(), job.trace()))
                .thenCompose(f -> f)
                .thenCompose(outcome -> {
                    if (outcome instanceof AttemptOutcome.Done done) {
                        log.debug("account {}: {}", job.accountId(), done.summary());
                        return CompletableFuture.completedFuture(done);
                    }
                    if (outcome instanceof AttemptOutcome.Cancelled cancelled) {
                        log.debug("account {}: cancelled, {}", job.accountId(), cancelled.why());
                        return CompletableFuture.completedFuture(null);
                    }
                    AttemptOutcome.Again again = (AttemptOutcome.Again) outcome;
                    log.debug("account {}: again in {} ms ({})", job.accountId(), again.after().toMillis(), again.why());
                    return later(again, owner);
                });
    }

    /** The job again after its delay, as a timer of its task: cancelled (completing with null) if the task closes. */
    private CompletableFuture<AttemptOutcome.Done> later(AttemptOutcome.Again again, TaskScope owner) {
        CompletableFuture<AttemptOutcome.Done> later = new CompletableFuture<>();
        if (closing.get()) {
            later.complete(null); // nobody to retry for; the next owner resumes it
            return later;
        }
        owner.schedule(pool.timer(), again.after(), () -> execute(again.job(), owner).whenComplete((d, e) -> {
            if (e != null) {
                later.completeExceptionally(e);
            } else {
                later.complete(d);
            }
        }), () -> later.complete(null));
        return later;
    }

    private static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getName();
    }

    @Override
    public RefreshCounters counters() {
        return counters;
    }

    /** Jobs submitted and not yet finished, including those waiting for a retry. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Provider calls in flight plus answers not yet written. */
    public int holdingAnswers() {
        return held.count();
    }

    /** Forced refreshes run ahead and not yet joined or aged out. */
    int aheadEntries() {
        return ahead.size();
    }

    /**
     * From now on no provider call starts: jobs waiting for a lock, a permit or a retry are left to the partition's
     * next owner, which resumes them from the changelog. Returns at once.
     */
    public void beginClose() {
        closing.set(true);
    }

    /**
     * Waits up to {@code timeout} until no provider answer is held unwritten: dropped, a held answer would be a spent
     * refresh token. Call after {@link #beginClose()}, while the stream threads close.
     *
     * @return whether every held answer was written
     */
    public boolean awaitHeldAnswers(Duration timeout) {
        try {
            held.allWritten().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            log.error("{} provider answers were not persisted before shutdown; see docs/design.md, 'Crash windows'", held.count());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return held.count() == 0;
        } catch (java.util.concurrent.ExecutionException e) {
            return held.count() == 0; // a hold never completes exceptionally; answer by the count
        }
    }

    /** Stops the pool; call after {@link #awaitHeldAnswers}, so no held answer meets a closed executor. */
    @Override
    public void close() {
        beginClose();
        pool.close();
    }
}
