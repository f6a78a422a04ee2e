package dev.tokenwarden.lock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.redisson.api.RLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One acquisition, identified by its own owner id rather than by a Java thread. */
final class RedissonLockHandle implements LockHandle {
    private static final Logger log = LoggerFactory.getLogger(RedissonLockHandle.class);

    private final RLock lock;
    private final long ownerId;
    private final LongAdder operations;
    private final AtomicReference<CompletableFuture<Void>> released = new AtomicReference<>();

    RedissonLockHandle(RLock lock, long ownerId, LongAdder operations) {
        this.lock = lock;
        this.ownerId = ownerId;
        this.operations = operations;
    }

    @Override
    public CompletableFuture<Void> release() {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!released.compareAndSet(null, mine)) {
            return released.get();
        }
        unlock(mine, 1);
        return mine.completeOnTimeout(null,
                LockClientConfig.COMMAND_BUDGET.plus(UNLOCK_RETRY_DELAY).multipliedBy(UNLOCK_TRIES).toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * A failed unlock is tried again (issue 10): each one left standing cost its account the whole lease. Not when
     * the lock is no longer ours (the lease ran out while held): then there is nothing to release.
     */
    private void unlock(CompletableFuture<Void> released, int attempt) {
        operations.increment();
        try {
            // Redisson stops the watchdog renewal for this owner whether or not the unlock succeeds.
            lock.unlockAsync(ownerId).whenComplete((ignored, error) -> {
                if (error == null || released.isDone()) {
                    released.complete(null);
                } else if (attempt < UNLOCK_TRIES && !(rootCause(error) instanceof IllegalMonitorStateException)) {
                    CompletableFuture.delayedExecutor(UNLOCK_RETRY_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                            .execute(() -> unlock(released, attempt + 1));
                } else {
                    logFailure(error);
                    released.complete(null);
                }
            });
        } catch (RuntimeException e) { // a client already shut down may refuse synchronously
            logFailure(e);
            released.complete(null);
        }
    }

    private static final int UNLOCK_TRIES = 3;
    private static final java.time.Duration UNLOCK_RETRY_DELAY = java.time.Duration.ofMillis(200);

    private static Throwable rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null
                && (cause instanceof CompletionException || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        return cause;
    }

    private void logFailure(Throwable error) {
        // IllegalMonitorStateException here means the lease ran out while held: worth seeing in the logs.
        log.warn("releasing lock {} failed; its lease frees it: {}", lock.getName(), describe(error));
    }

    /** The first cause that is not a future's wrapper, as {@code Type: message}. */
    static String describe(Throwable error) {
        Throwable cause = rootCause(error);
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
