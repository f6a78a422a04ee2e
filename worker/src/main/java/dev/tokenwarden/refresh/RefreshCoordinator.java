package dev.tokenwarden.refresh;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.events.RefreshNeeded;
import dev.tokenwarden.lock.AccountLocks;
import dev.tokenwarden.provider.Providers;
import dev.tokenwarden.retry.BackgroundPool;
import dev.tokenwarden.store.AccountStore;
import dev.tokenwarden.store.StoreErrors;

/**
 * Runs refresh jobs off the stream thread. Jobs for one account run one after another in this process (so
 * two refresh windows never race each other, even with Redis down); jobs for different accounts run side by
 * side, so an account in backoff never delays the next one on its partition. {@link AttemptOutcome.Again}
 * is rescheduled on a timer, not slept on.
 *
 * <p>Every job ends in exactly one way (issue 8): done (its events handed to {@code onDone}), cancelled because its
 * owner closed (nothing handed back: the partition's next owner resumes it), or failed — an exception anywhere in
 * the attempt is counted, logged by class and handed back as a done job without a refresh, so the dedup memory
 * never keeps an account "in flight" for good (Nango #1005).
 */
public final class RefreshCoordinator implements RefreshJobs, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RefreshCoordinator.class);

    private final BackgroundPool pool;
    private final RefreshAttempt attempt;
    private final RefreshCounters counters = new RefreshCounters();
    private final Map<Long, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Clock clock;
    /** Forced refreshes run ahead of their event, by event id; see {@link #runAhead}. */
    private final Map<String, Ahead> ahead = new ConcurrentHashMap<>();

    /** A job run ahead of its event: completes with its outcome, or null when it was cancelled. */
    private record Ahead(CompletableFuture<AttemptOutcome.Done> outcome, long startedAtMs) {
    }

    /** How long a job run ahead waits for its event to join it; an event read by another worker never does. */
    private static final Duration AHEAD_KEPT = Duration.ofMinutes(2);
    private static final int AHEAD_PURGE_ABOVE = 1_000;

    public RefreshCoordinator(AccountStore store, Providers providers, AccountLocks locks, RefreshSettings settings,
            Clock clock, int threads) {
        this.clock = clock;
        this.pool = new BackgroundPool("tokenwarden-refresh", threads, settings.initialBackoff(), settings.maxBackoff(),
                StoreErrors::isTransient);
        this.attempt = new RefreshAttempt(store, providers, locks, settings, clock, pool.executor(), pool.timer(),
                pool.writes(), counters, closing::get);
    }

    /**
     * Queues a job owned by {@code owner}; {@code onDone} gets its final outcome on a pool thread (the caller
     * hands it back to its stream thread), unless the job was cancelled. Returns at once.
     */
    @Override
    public void submit(RefreshJob job, BooleanSupplier owner, Consumer<AttemptOutcome.Done> onDone) {
        submit(job, owner, onDone, () -> { });
    }

    /**
     * Starts the forced refresh a 401's cooldown write asked for at once, without waiting for its refresh-needed
     * event to travel through Kafka (issue 10: one commit interval and a poll, most of the 146 ms until the account
     * was schedulable again). The event still goes out and stays the job's durable record: when this worker's
     * refresh path acts on it, it joins this job ({@link #submitOrJoin}) instead of starting another; read elsewhere
     * (its partition is another worker's), it runs as any event does, under the lock, and finds the token refreshed.
     */
    public void runAhead(RefreshNeeded event) {
        if (closing.get()) {
            return;
        }
        long now = clock.millis();
        if (ahead.size() > AHEAD_PURGE_ABOVE) {
            ahead.values().removeIf(a -> now - a.startedAtMs() > AHEAD_KEPT.toMillis());
        }
        Ahead mine = new Ahead(new CompletableFuture<>(), now);
        if (ahead.putIfAbsent(event.eventId(), mine) != null) {
            return;
        }
        RefreshJob job = RefreshJob.of(event.accountId(), event.platform(),
                Duration.ofSeconds(event.refreshWindowSeconds()), event.observedTokenVersion(), event.force(),
                clock.instant());
        counters.ranAhead.increment();
        // An entry never joined (its event went to another worker, or was coalesced) is purged above, once old.
        submit(job, () -> !closing.get(), mine.outcome()::complete, () -> mine.outcome().complete(null));
    }

    @Override
    public void submitOrJoin(String eventId, RefreshJob job, BooleanSupplier owner,
            Consumer<AttemptOutcome.Done> onDone) {
        Ahead running = ahead.remove(eventId);
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
                submit(job, owner, onDone); // cancelled ahead: this event's own pass decides
            }
        });
    }

    private void submit(RefreshJob job, BooleanSupplier owner, Consumer<AttemptOutcome.Done> onDone,
            Runnable onCancelled) {
        inFlight.incrementAndGet();
        long id = job.accountId();
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] mine = new CompletableFuture[1];
        tails.compute(id, (key, tail) -> {
            CompletableFuture<Void> previous = tail == null ? CompletableFuture.completedFuture(null) : tail;
            mine[0] = previous
                    .thenComposeAsync(ignored -> execute(job, owner), pool.executor())
                    .handle((done, error) -> {
                        inFlight.decrementAndGet();
                        if (error != null) {
                            counters.failedJobs.increment();
                            log.error("account {}: refresh job failed ({}); finished without a refresh", id,
                                    describe(error));
                            onDone.accept(AttemptOutcome.Done.quietly(null, "failed: " + describe(error)));
                        } else if (done != null) {
                            onDone.accept(done);
                        } else {
                            counters.cancelled.increment();
                            onCancelled.run();
                        }
                        return null;
                    });
            return mine[0];
        });
        // Outside compute: the chain may already be complete, and a map must not be changed from its own compute.
        mine[0].whenComplete((v, e) -> tails.remove(id, mine[0]));
    }

    /** Completes with the final Done, or with null when the job was cancelled. */
    private CompletableFuture<AttemptOutcome.Done> execute(RefreshJob job, BooleanSupplier owner) {
        return attempt.run(job, owner).thenCompose(outcome -> {
            if (outcome instanceof AttemptOutcome.Done done) {
                log.debug("account {}: {}", job.accountId(), done.summary());
                return CompletableFuture.completedFuture(done);
            }
            if (outcome instanceof AttemptOutcome.Cancelled cancelled) {
                log.debug("account {}: cancelled, {}", job.accountId(), cancelled.why());
                return CompletableFuture.completedFuture(null);
            }
            AttemptOutcome.Again again = (AttemptOutcome.Again) outcome;
            if (!owner.getAsBoolean() || closing.get()) {
                return CompletableFuture.completedFuture(null); // nobody to retry for; the next owner resumes it
            }
            log.debug("account {}: again in {} ms ({})", job.accountId(), again.after().toMillis(), again.why());
            CompletableFuture<AttemptOutcome.Done> later = new CompletableFuture<>();
            pool.timer().schedule(() -> {
                try {
                    execute(again.job(), owner).whenComplete((d, e) -> {
                        if (e != null) {
                            later.completeExceptionally(e);
                        } else {
                            later.complete(d);
                        }
                    });
                } catch (RuntimeException e) {
                    later.completeExceptionally(e); // never a job that waits for ever
                }
            }, again.after().toMillis(), TimeUnit.MILLISECONDS);
            return later;
        });
    }

    private static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
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
        return attempt.holdingAnswers();
    }

    /**
     * From now on no provider call starts (issue 8): jobs waiting for a lock, a permit or a retry are left to the
     * partition's next owner, which resumes them from the changelog. Returns at once.
     */
    public void beginClose() {
        closing.set(true);
    }

    /**
     * Waits up to {@code timeout} until no provider answer is held unwritten: dropped, a held answer would be a
     * spent refresh token. Call after {@link #beginClose()}, while the stream threads close.
     *
     * @return whether every held answer was written
     */
    public boolean awaitHeldAnswers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (attempt.holdingAnswers() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (attempt.holdingAnswers() > 0) {
            log.error("{} provider answers were not persisted before shutdown; see README, 'crash windows'",
                    attempt.holdingAnswers());
            return false;
        }
        return true;
    }

    /** Stops the pool; call after {@link #awaitHeldAnswers}, so no held answer meets a closed executor. */
    @Override
    public void close() {
        beginClose();
        pool.close();
    }
}
