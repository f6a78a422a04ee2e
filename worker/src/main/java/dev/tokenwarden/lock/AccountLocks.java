package dev.tokenwarden.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Mutual exclusion per account across all worker processes. */
public interface AccountLocks extends AutoCloseable {

    /**
     * Never blocks: waiting for a holder is a timer's polling, not a thread's wait. Never completes
     * exceptionally; Redis trouble is {@link LockResult.Unavailable}.
     *
     * @param maxWait how long to wait for another holder; zero tries once
     */
    CompletableFuture<LockResult> acquire(long accountId, Duration maxWait);

    /**
     * sub2api's own refresh lock under {@code key} ({@link Sub2apiCacheKeys#lockKey}), held beside the account lock
     * while refreshing when {@code lock.sub2api-compatible} is on: one try, never a wait; {@link LockResult.TimedOut}
     * when sub2api (or anyone else) holds it. When the option is off: always held, with a handle that does nothing.
     */
    default CompletableFuture<LockResult> acquireSub2api(String key) {
        return CompletableFuture.completedFuture(new LockResult.Held(() -> CompletableFuture.completedFuture(null)));
    }

    /** Whether {@link #acquireSub2api} takes sub2api's real lock. */
    default boolean sub2apiCompatible() {
        return false;
    }

    /**
     * Whether the lock server answers a trivial command now; never completes exceptionally. Without a lock
     * server (no locks at all) always true. A caller that must answer quickly bounds the wait itself.
     */
    default CompletableFuture<Boolean> answers() {
        return CompletableFuture.completedFuture(true);
    }

    /**
     * This instance's (= this worker process's) holder id: unique among live instances, stable for the instance's
     * life. Owner ids written into locks start with it; a caller may derive per-attempt holder ids from it (the
     * database fence's holder, say).
     */
    String holderId();

    /** Lock operations sent so far (acquire attempts plus releases), for benchmarks. */
    long operations();

    /** Does not release handles still out: their work may still be running; leases end them. */
    @Override
    void close();
}
