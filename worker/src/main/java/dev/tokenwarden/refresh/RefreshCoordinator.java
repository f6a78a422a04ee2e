package dev.tokenwarden.refresh;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tokenwarden.config.WorkerConfig;
import dev.tokenwarden.lock.AccountLocks;
import dev.tokenwarden.provider.Providers;
import dev.tokenwarden.retry.BackgroundPool;
import dev.tokenwarden.store.AccountStore;

/**
 * Runs refresh jobs off the stream thread. Jobs for one account run one after another in this process (so
 * two refresh windows never race each other, even with Redis down); jobs for different accounts run side by
 * side, so an account in backoff never delays the next one on its partition. {@link AttemptOutcome.Again}
 * is rescheduled on a timer, not slept on.
 */
public final class RefreshCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RefreshCoordinator.class);

    private final BackgroundPool pool;
    private final RefreshAttempt attempt;
    private final Duration drainTimeout;
    private final RefreshCounters counters = new RefreshCounters();
    private final Map<Long, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    public RefreshCoordinator(AccountStore store, Providers providers, AccountLocks locks, WorkerConfig.Refresh settings,
            Clock clock, int threads) {
        this.pool = new BackgroundPool("tokenwarden-refresh", threads, settings.initialBackoff(), settings.maxBackoff());
        // A provider call ends within the lease; its write gets as long again before shutdown gives up.
        this.drainTimeout = settings.lockLease().multipliedBy(2);
        this.attempt = new RefreshAttempt(store, providers, locks, settings, clock, pool.executor(), pool.writes(),
                counters);
    }

    /**
     * Queues a job; {@code onDone} gets its final outcome on a pool thread (the caller hands it back to its
     * stream thread). Returns at once.
     */
    public void submit(RefreshJob job, Consumer<AttemptOutcome.Done> onDone) {
        inFlight.incrementAndGet();
        long id = job.accountId();
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] mine = new CompletableFuture[1];
        tails.compute(id, (key, tail) -> {
            CompletableFuture<Void> previous = tail == null ? CompletableFuture.completedFuture(null) : tail;
            mine[0] = previous
                    .thenComposeAsync(ignored -> execute(job), pool.executor())
                    .handle((done, error) -> {
                        inFlight.decrementAndGet();
                        if (error != null) {
                            log.error("account {}: refresh job failed", id, error);
                        } else {
                            onDone.accept(done);
                        }
                        return null;
                    });
            return mine[0];
        });
        // Outside compute: the chain may already be complete, and a map must not be changed from its own compute.
        mine[0].whenComplete((v, e) -> tails.remove(id, mine[0]));
    }

    private CompletableFuture<AttemptOutcome.Done> execute(RefreshJob job) {
        return attempt.run(job).thenCompose(outcome -> {
            if (outcome instanceof AttemptOutcome.Done done) {
                log.debug("account {}: {}", job.accountId(), done.summary());
                return CompletableFuture.completedFuture(done);
            }
            AttemptOutcome.Again again = (AttemptOutcome.Again) outcome;
            log.debug("account {}: again in {} ms ({})", job.accountId(), again.after().toMillis(), again.why());
            CompletableFuture<AttemptOutcome.Done> later = new CompletableFuture<>();
            pool.timer().schedule(() -> execute(again.job()).whenComplete((d, e) -> {
                if (e != null) {
                    later.completeExceptionally(e);
                } else {
                    later.complete(d);
                }
            }), again.after().toMillis(), TimeUnit.MILLISECONDS);
            return later;
        });
    }

    public RefreshCounters counters() {
        return counters;
    }

    /** Jobs submitted and not yet finished, including those waiting for a retry. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Waits (up to {@code drainTimeout}) until no provider answer is held unwritten, then stops. Jobs waiting
     * for a lock or a retry are simply dropped: their in-flight marks in the changelog let the partition's
     * next owner resume them, and nothing they know is lost. A held answer is different: dropped, it would be
     * a spent refresh token.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + drainTimeout.toNanos();
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
        }
        pool.close();
    }
}
