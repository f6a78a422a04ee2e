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
        operations.increment();
        try {
            // Redisson stops the watchdog renewal for this owner whether or not the unlock succeeds.
            lock.unlockAsync(ownerId).whenComplete((ignored, error) -> {
                if (error != null) {
                    logFailure(error);
                }
                mine.complete(null);
            });
        } catch (RuntimeException e) { // a client already shut down may refuse synchronously
            logFailure(e);
            mine.complete(null);
        }
        return mine.completeOnTimeout(null, LockClientConfig.COMMAND_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void logFailure(Throwable error) {
        // IllegalMonitorStateException here means the lease ran out while held: worth seeing in the logs.
        log.warn("releasing lock {} failed; its lease frees it: {}", lock.getName(), describe(error));
    }

    /** The first cause that is not a future's wrapper, as {@code Type: message}. */
    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null
                && (cause instanceof CompletionException || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
